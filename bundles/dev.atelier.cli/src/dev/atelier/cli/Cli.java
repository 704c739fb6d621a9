package dev.atelier.cli;

import java.util.List;

import dev.atelier.cli.internal.Dispatcher;

/** The {@code atelier} command line over a set of subcommands, as the application runs it; for tests of subcommands. */
public final class Cli {

	private Cli() {
	}

	/**
	 * Runs {@code atelier args…} with these subcommands (and the built-in {@code help}) on the context's streams and
	 * returns the exit code: 0 done, 1 failed, 2 bad usage, or the subcommand's own.
	 */
	public static int run(Iterable<? extends Subcommand> subcommands, CommandContext context, List<String> args) {
		return new Dispatcher(subcommands, context.environment(), context.out(), context.err()).dispatch(args);
	}
}
