package dev.atelier.cli;

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

	/** As {@link #atLeast(long, long, String)} for an int. */
	public static int atLeast(int min, int value, String option) {
		return (int) atLeast((long) min, value, option);
	}
}
