package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.viewport.internal.gltf.GltfException;
import dev.atelier.viewport.internal.gltf.GltfLoader;

/** A {@code .gltf} document (JSON, buffers as data URIs) loaded into a Scene as the Viewport and {@code atelier render} do. */
public final class GltfTarget {

	private GltfTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(GltfTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		load("scene.gltf", data);
	}

	static void load(String name, byte[] data) throws IOException {
		Path file = Contract.write(name, data);
		Contract.refusesOnlyWith(file, List.of(GltfException.class), () -> GltfLoader.load(file));
	}
}
