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
}
