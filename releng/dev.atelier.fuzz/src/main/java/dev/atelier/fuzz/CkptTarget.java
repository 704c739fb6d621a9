package dev.atelier.fuzz;

import java.io.IOException;

/** A PyTorch {@code .ckpt} (zip or legacy): the restricted unpickler, the storages, detection. */
public final class CkptTarget {

	private CkptTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(CkptTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		CheckpointFiles.open("model.ckpt", data);
	}
}
