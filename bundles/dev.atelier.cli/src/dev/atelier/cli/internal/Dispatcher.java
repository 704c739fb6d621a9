package dev.atelier.cli.internal;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;

/** Parses the global options and hands the rest to a subcommand. Plain Java: tested without OSGi. */
public final class Dispatcher {

	public static final int OK = 0;
	public static final int FAILED = 1;
	public static final int USAGE = 2;

	private final SortedMap<String, Subcommand> commands = new TreeMap<>();
	private final AtelierEnvironment environment;
	private final PrintStream out;
	private final PrintStream err;

	public Dispatcher(Iterable<Subcommand> subcommands, AtelierEnvironment environment, PrintStream out, PrintStream err) {
		for (Subcommand command : subcommands) {
			Subcommand previous = commands.putIfAbsent(command.name(), command);
			if (previous != null) {
				err.println("atelier: two subcommands are named '" + command.name() + "' (" + previous.getClass().getName()
						+ " and " + command.getClass().getName() + "); using the first");
			}
		}
		this.environment = environment;
		this.out = out;
		this.err = err;
	}

	public int dispatch(List<String> rawArgs) {
		List<String> args;
		try {
			AtelierPaths.workspaceOption(rawArgs);
			args = AtelierPaths.withoutWorkspaceOption(rawArgs);
		} catch (IllegalArgumentException e) {
			err.println("atelier: " + e.getMessage());
			return USAGE;
		}
		if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
			printHelp(out);
			return OK;
		}
		String first = args.get(0);
		if (first.equals("--version") || first.equals("-V")) {
			out.println("Atelier " + environment.version());
			return OK;
		}
		if (first.equals("help")) {
			if (args.size() > 1) {
				return helpFor(args.get(1));
			}
			printHelp(out);
			return OK;
		}
		Subcommand command = commands.get(first);
		if (command == null) {
			err.println("atelier: unknown subcommand '" + first + "'");
			err.println();
			printKnown(err);
			return USAGE;
		}
		List<String> rest = List.copyOf(args.subList(1, args.size()));
		if (rest.contains("--help") || rest.contains("-h")) {
			out.println(command.usage());
			return OK;
		}
		try {
			return command.run(CommandContext.of(rest, out, err, environment));
		} catch (Exception | LinkageError e) {
			err.println("atelier " + first + ": internal error: " + e);
			System.getLogger(Dispatcher.class.getName()).log(System.Logger.Level.ERROR, "subcommand " + first + " failed", e);
			return FAILED;
		}
	}

	private int helpFor(String name) {
		Subcommand command = commands.get(name);
		if (command == null) {
			err.println("atelier help: unknown subcommand '" + name + "'");
			printKnown(err);
			return USAGE;
		}
		out.println(command.usage());
		return OK;
	}

	private void printHelp(PrintStream to) {
		to.println("Atelier " + environment.version() + ": a workbench for makers with one big NVIDIA GPU.");
		to.println();
		to.println("usage: atelier                       start the IDE");
		to.println("       atelier [--workspace DIR] <subcommand> [args…]");
		to.println("       atelier --version | --help | help <subcommand>");
		to.println();
		to.println("The workspace is --workspace DIR, else $ATELIER_WORKSPACE, else ~/.atelier.");
		to.println();
		printKnown(to);
	}

	private void printKnown(PrintStream to) {
		to.println("subcommands:");
		int width = commands.keySet().stream().mapToInt(String::length).max().orElse(0);
		for (Map.Entry<String, Subcommand> e : commands.entrySet()) {
			to.printf("  %-" + width + "s  %s%n", e.getKey(), e.getValue().summary());
		}
	}
}
