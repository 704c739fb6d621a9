package dev.atelier.server.internal;

/**
 * What one request may ask of the server; past these it is answered 413 (body), 400 (prompt, max_tokens) or 429
 * (queue) with a message naming the limit.
 *
 * @param bodyBytes   a request body's size
 * @param promptChars the characters of a prompt, or of all of a conversation's messages
 * @param maxTokens   the tokens one answer may generate
 * @param queue       the requests that may wait for one model while it answers another
 */
public record Limits(int bodyBytes, int promptChars, int maxTokens, int queue) {

	public static final Limits DEFAULT = new Limits(4 << 20, 200_000, 8192, 16);

	public Limits {
		if (bodyBytes < 1 || promptChars < 1 || maxTokens < 1 || queue < 0) {
			throw new IllegalArgumentException("limits must be positive: " + bodyBytes + " body bytes, " + promptChars + " prompt characters, "
					+ maxTokens + " tokens, a queue of " + queue);
		}
	}
}
