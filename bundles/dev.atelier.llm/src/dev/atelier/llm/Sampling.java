package dev.atelier.llm;

/**
 * How the next token is chosen from the logits. Temperature 0 is greedy (argmax). Otherwise, in order: the
 * repetition penalty on tokens already seen, temperature, top-k, top-p (nucleus), min-p, then a draw from the
 * seeded generator.
 *
 * @param topK              0 for no limit
 * @param topP              1 for no limit
 * @param minP              0 for no limit: tokens below minP × the top token's probability are dropped
 * @param repetitionPenalty 1 for none; above 1 makes seen tokens less likely (as llama.cpp's repeat penalty)
 */
public record Sampling(double temperature, int topK, double topP, double minP, double repetitionPenalty, long seed) {

	public Sampling {
		if (temperature < 0 || topK < 0 || topP <= 0 || topP > 1 || minP < 0 || minP >= 1 || repetitionPenalty <= 0) {
			throw new IllegalArgumentException("sampling settings out of range: temperature " + temperature + ", top-k " + topK + ", top-p " + topP
					+ ", min-p " + minP + ", repetition penalty " + repetitionPenalty);
		}
	}

	public static Sampling greedy() {
		return new Sampling(0, 0, 1, 0, 1, 0);
	}

	public static Sampling of(double temperature, long seed) {
		return new Sampling(temperature, 40, 0.95, 0.05, 1, seed);
	}
}
