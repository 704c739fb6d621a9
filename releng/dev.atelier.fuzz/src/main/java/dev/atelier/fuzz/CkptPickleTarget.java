package dev.atelier.fuzz;

import java.io.IOException;

import dev.atelier.testing.checkpoints.TorchPickles;

/**
 * The restricted unpickler reached through a well-formed zip: the input is {@code archive/data.pkl} of a {@code .ckpt},
 * so that mutations go to the pickle opcodes rather than break the zip's checksums.
 */
public final class CkptPickleTarget {

	private CkptPickleTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(CkptPickleTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		CheckpointFiles.open(TorchPickles.writeZipWithPickle(Contract.write("pickle.ckpt", new byte[0]), data));
	}
}
