package dev.atelier.llm;

import java.nio.file.Path;

/** A model file that cannot be used, with the file and the field or offset that is wrong in the message. */
public class ModelFormatException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public ModelFormatException(Path file, String problem) {
		super(file + ": " + problem);
	}
}
