package dev.atelier.llm.internal.cli;

import dev.atelier.cli.UsageException;
import picocli.CommandLine.Option;

/** {@code --threads N}: the embedded engine's threads, for every {@code llm} command that runs a model (a picocli mixin). */
final class EngineThreads {

	@Option(names = "--threads", paramLabel = "N", description = "threads of the engine (default: one per core)")
	private int threads = Runtime.getRuntime().availableProcessors();

	int threads() {
		return UsageException.atLeast(1, threads, "--threads");
	}
}
