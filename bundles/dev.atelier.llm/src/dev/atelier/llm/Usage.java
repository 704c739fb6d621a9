package dev.atelier.llm;

/**
 * What one answer cost.
 *
 * @param timeToFirstTokenMillis from the request to the first generated token (prompt processing included)
 * @param decodeTokensPerSecond  generated tokens after the first, per second of their generation
 * @param joules                 the energy the machine's measured devices drew over the whole answer (prompt
 *                               included), NaN where no power reading was available
 */
public record Usage(int promptTokens, int generatedTokens, double timeToFirstTokenMillis, double decodeTokensPerSecond, double joules) {

	/** Without an energy reading. */
	public Usage(int promptTokens, int generatedTokens, double timeToFirstTokenMillis, double decodeTokensPerSecond) {
		this(promptTokens, generatedTokens, timeToFirstTokenMillis, decodeTokensPerSecond, Double.NaN);
	}

	/** The same answer with the energy it took. */
	public Usage withJoules(double measured) {
		return new Usage(promptTokens, generatedTokens, timeToFirstTokenMillis, decodeTokensPerSecond, measured);
	}

	/** Joules per generated token, NaN where the energy is unknown or nothing was generated. */
	public double joulesPerToken() {
		return generatedTokens == 0 ? Double.NaN : joules / generatedTokens;
	}
}
