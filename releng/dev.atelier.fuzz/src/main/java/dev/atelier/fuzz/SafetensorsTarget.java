package dev.atelier.fuzz;

import java.io.IOException;

/** A {@code .safetensors} checkpoint: header length, JSON header, tensor offsets, detection. */
public final class SafetensorsTarget {

	private SafetensorsTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(SafetensorsTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		CheckpointFiles.open("model.safetensors", data);
	}
}
