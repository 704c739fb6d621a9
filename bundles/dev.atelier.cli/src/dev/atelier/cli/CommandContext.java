package dev.atelier.cli;

import java.io.PrintStream;
import java.util.List;

import dev.atelier.core.AtelierEnvironment;

/** What a running subcommand sees. */
public interface CommandContext {

	/** The arguments after the subcommand's name, global options removed. */
	List<String> args();

	PrintStream out();

	PrintStream err();

	AtelierEnvironment environment();

	/** A context of the given parts, e.g. for a plugin's tests that run its subcommand directly. */
	static CommandContext of(List<String> args, PrintStream out, PrintStream err, AtelierEnvironment environment) {
		record Plain(List<String> args, PrintStream out, PrintStream err, AtelierEnvironment environment)
				implements CommandContext {
		}
		return new Plain(List.copyOf(args), out, err, environment);
	}
}
