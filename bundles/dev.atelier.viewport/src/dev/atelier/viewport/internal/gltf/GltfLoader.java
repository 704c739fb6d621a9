package dev.atelier.viewport.internal.gltf;

import java.nio.file.Path;
import java.util.function.Consumer;

import dev.atelier.viewport.scene.Scene;

/**
 * Loads a glTF 2.0 file ({@code .gltf} with external or embedded resources, or {@code .glb}) as a Scene: the default
 * scene's mesh primitives in world space, their materials and textures, cameras and KHR_lights_punctual lights.
 *
 * <p>Everything wrong with the file is a {@link GltfException} naming the file and the element. What the scene cannot
 * hold but the file may well have (lines and points, orthographic cameras, skins, morph targets, alpha modes, texture
 * coordinate sets other than 0, extensions that are used but not required) is left out and reported to the notes
 * consumer, one line each, worded like the errors.
 */
public final class GltfLoader {

	private GltfLoader() {
	}

	public static Scene load(Path file) throws GltfException {
		return load(file, note -> {
		});
	}

	public static Scene load(Path file, Consumer<String> notes) throws GltfException {
		return load(GltfDocument.read(file), notes);
	}

	/** The Scene of a document already read; a scene that would not fit in the heap's free memory is refused up front. */
	public static Scene load(GltfDocument document, Consumer<String> notes) throws GltfException {
		return load(document, notes, freeHeap());
	}

	/** The heap not yet used: what a scene may take. */
	static long freeHeap() {
		Runtime rt = Runtime.getRuntime();
		return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
	}

	/** As {@link #load(GltfDocument, Consumer)}, refusing a scene whose meshes and tracing arrays take more than {@code budgetBytes}. */
	static Scene load(GltfDocument document, Consumer<String> notes, long budgetBytes) throws GltfException {
		return new SceneBuilder(document, notes, budgetBytes).build();
	}
}
