package dev.atelier.cli;

import java.io.IOException;
import java.nio.file.Path;

import dev.atelier.core.io.AtomicFiles;

/**
 * Bad input that a command finds while running (options that do not go together, a value out of range, a name
 * the service does not know): the CLI prints {@code atelier <command>: <message> (see atelier <command> --help)}
 * on one line and exits with 2, as it does for the values picocli refuses while parsing.
 */
public final class UsageException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public UsageException(String message) {
		super(message);
	}

	/** {@code value} when it is at least {@code min}, else a usage error naming the option. */
	public static long atLeast(long min, long value, String option) {
		if (value < min) {
			throw new UsageException(option + ": " + value + " is less than " + min);
		}
		return value;
	}

	/**
	 * {@code file} when a command can write it as a file, else a usage error naming the option and why: commands check
	 * their output paths before their work, not after it.
	 */
	public static Path writableFile(Path file, String option) {
		return checked(file, option, AtomicFiles::checkWritable);
	}

	/** As {@link #writableFile}, for a folder that a command writes its files into (created when missing). */
	public static Path writableFolder(Path folder, String option) {
		return checked(folder, option, AtomicFiles::checkWritableFolder);
	}

	private interface PathCheck {
		void check(Path path) throws IOException;
	}

	private static Path checked(Path path, String option, PathCheck check) {
		try {
			check.check(path);
			return path;
		} catch (IOException e) {
			throw new UsageException(option + ": " + e.getMessage());
		}
	}

	/** As {@link #atLeast(long, long, String)} for an int. */
	public static int atLeast(int min, int value, String option) {
		return (int) atLeast((long) min, value, option);
	}
}
