package dev.atelier.llm.internal.cli;

import dev.atelier.cli.UsageException;
import dev.atelier.llm.Sampling;
import picocli.CommandLine.Option;

/** The generation options that {@code atelier chat} and {@code atelier llm generate} share (a picocli mixin), with each one's defaults. */
final class GenerationOptions {

	@Option(names = "--temperature", paramLabel = "T", description = "0 picks the likeliest token every time (default ${DEFAULT-VALUE})")
	private double temperature;

	@Option(names = "--max-tokens", paramLabel = "N", description = "tokens to generate at most (default ${DEFAULT-VALUE})")
	private int maxTokens;

	@Option(names = "--seed", paramLabel = "N", description = "the sampler's seed where the temperature is above 0 (default ${DEFAULT-VALUE})")
	private long seed;

	GenerationOptions(double temperature, int maxTokens) {
		this.temperature = temperature;
		this.maxTokens = maxTokens;
	}

	Sampling sampling() {
		if (temperature < 0) {
			throw new UsageException("--temperature: " + temperature + " is less than 0");
		}
		return temperature == 0 ? Sampling.greedy() : Sampling.of(temperature, seed);
	}

	int maxTokens() {
		return UsageException.atLeast(1, maxTokens, "--max-tokens");
	}

}
