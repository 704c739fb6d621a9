package dev.atelier.diffusion.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be read or used; the message starts with the file and says what is wrong in it. */
public final class CheckpointException extends IOException {

	private static final long serialVersionUID = 1L;

	private final transient Path file;

	public CheckpointException(Path file, String problem) {
		super(file + ": " + problem);
		this.file = file;
	}

	public CheckpointException(Path file, String problem, Throwable cause) {
		super(file + ": " + problem, cause);
		this.file = file;
	}

	public Path file() {
		return file;
	}
}
