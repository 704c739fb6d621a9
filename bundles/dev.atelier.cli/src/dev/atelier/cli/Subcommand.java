package dev.atelier.cli;

/**
 * One {@code atelier <name> …} subcommand. Bundles add subcommands by registering this service (e.g. a DS
 * {@code @Component(service = Subcommand.class)}); the CLI bundle knows none of them in advance.
 */
public interface Subcommand {

	/** The word after {@code atelier}: lower case, no spaces. */
	String name();

	/** One line for {@code atelier --help}. */
	String summary();

	/** What {@code atelier help <name>} and {@code atelier <name> --help} print. */
	default String usage() {
		return "usage: atelier " + name() + "\n\n" + summary();
	}

	/**
	 * Runs the subcommand and returns its exit code (0 on success). Bad input is reported on
	 * {@link CommandContext#err()} naming the file or option at fault, with a non-zero code; exceptions that
	 * escape are reported by the CLI as an internal error.
	 */
	int run(CommandContext context) throws Exception;
}
