package dev.atelier.cli;

import java.io.PrintStream;

import dev.atelier.core.AtelierEnvironment;

/** What a running subcommand sees besides its options. */
public interface CommandContext {

	PrintStream out();

	PrintStream err();

	AtelierEnvironment environment();

	/** A context of the given parts, e.g. for a plugin's tests that run its subcommand through {@link Cli#run}. */
	static CommandContext of(PrintStream out, PrintStream err, AtelierEnvironment environment) {
		record Plain(PrintStream out, PrintStream err, AtelierEnvironment environment) implements CommandContext {
		}
		return new Plain(out, err, environment);
	}
}
