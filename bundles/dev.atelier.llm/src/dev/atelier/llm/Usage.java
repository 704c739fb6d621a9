package dev.atelier.llm;

/**
 * What one answer cost.
 *
 * @param timeToFirstTokenMillis from the request to the first generated token (prompt processing included)
 * @param decodeTokensPerSecond  generated tokens after the first, per second of their generation
 */
public record Usage(int promptTokens, int generatedTokens, double timeToFirstTokenMillis, double decodeTokensPerSecond) {
}
