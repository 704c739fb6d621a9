package dev.atelier.fuzz;

import java.io.IOException;

/** A binary glTF container ({@code .glb}: header, JSON chunk, BIN chunk) loaded into a Scene. */
public final class GlbTarget {

	private GlbTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(GlbTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		GltfTarget.load("scene.glb", data);
	}
}
