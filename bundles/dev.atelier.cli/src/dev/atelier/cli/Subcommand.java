package dev.atelier.cli;

/**
 * One {@code atelier <name> …} subcommand. Bundles add subcommands by registering this service (e.g. a DS
 * {@code @Component(service = Subcommand.class)}); the CLI bundle knows none of them in advance.
 *
 * <p>The service is a factory of <a href="https://picocli.info">picocli</a> commands: the CLI asks each service for
 * a fresh command object per run, and picocli fills its {@code @Option} and {@code @Parameters} fields from the
 * command line, generates {@code --help}, {@code atelier help <name>} and the bash completion, and refuses bad
 * input in one line with exit code 2 before the command runs. The types {@link ImageSize}, {@link DeviceId},
 * {@link DeviceSelection} and {@link java.time.Duration} (see {@link Durations}) convert without further ado.
 */
public interface Subcommand {

	/**
	 * A new command for one run: an object whose class is annotated with {@code @Command} (its {@code name} is the
	 * word after {@code atelier}, its {@code header} the line of {@code atelier --help}) and implements
	 * {@code Callable<Integer>}, whose result is the exit code (0 on success). A command made only of subcommands
	 * ({@code @Command(subcommands = …)}) needs no {@code call}: run without one it is a usage error. One that has
	 * subcommands and a {@code call} runs itself when none is given.
	 *
	 * <p>Bad input found while running is thrown as {@link UsageException} (exit code 2); other failures are
	 * reported on {@link CommandContext#err()} naming the file or option at fault, with a non-zero code.
	 * Exceptions and errors that escape are reported by the CLI as an internal error (exit code 1).
	 */
	Object newCommand(CommandContext context);
}
