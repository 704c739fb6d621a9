package dev.atelier.viewport.internal.gltf;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A glTF file that cannot be loaded. The message starts with the file's name and the element at fault, as a path
 * into the document ({@code accessors[3]}, {@code meshes[0].primitives[1].indices}) or a part of the container
 * ({@code header}, {@code chunks[1]}, {@code JSON}), then says what is wrong with it.
 */
public class GltfException extends IOException {

	private static final long serialVersionUID = 1L;

	private final transient Path file;
	private final String element;

	public GltfException(Path file, String element, String problem) {
		this(file, element, problem, null);
	}

	public GltfException(Path file, String element, String problem, Throwable cause) {
		super(prefix(file, element) + problem, cause);
		this.file = file;
		this.element = element;
	}

	/** "file: element: " as every message and note about the element starts. */
	static String prefix(Path file, String element) {
		Path name = file.getFileName();
		return (name == null ? file : name) + ": " + element + ": ";
	}

	public Path file() {
		return file;
	}

	public String element() {
		return element;
	}
}
