package dev.atelier.server;

/**
 * What one request may ask of the server; past these it is answered 413 (body), 400 (prompt, max_tokens, image size,
 * images, steps) or 429 (queue) with a message naming the limit.
 *
 * @param bodyBytes   a request body's size
 * @param promptChars the characters of a prompt, or of all of a conversation's messages
 * @param maxTokens   the tokens one answer may generate
 * @param queue       the requests that may wait for one model (or one device's images) while it answers another
 * @param imageSide   an image's width and height, in pixels
 * @param images      the images one request may ask for (A1111's batch_size × n_iter, OpenAI's n)
 * @param imageSteps  the denoising steps of one image
 * @param parallel    the answers one model decodes together (continuous batching); more wait in its queue
 */
public record Limits(int bodyBytes, int promptChars, int maxTokens, int queue, int imageSide, int images, int imageSteps, int parallel) {

	/** The most answers a model decodes together: rows of its smallest prompt batch. */
	public static final int MAX_PARALLEL = 32;

	public static final Limits DEFAULT = new Limits(16 << 20, 200_000, 8192, 16, 2048, 16, 150, 4);

	public Limits {
		if (bodyBytes < 1 || promptChars < 1 || maxTokens < 1 || queue < 0 || imageSide < 64 || images < 1 || imageSteps < 1 || parallel < 1
				|| parallel > MAX_PARALLEL) {
			throw new IllegalArgumentException("limits must be positive (an image side at least 64, at most " + MAX_PARALLEL
					+ " answers together): " + bodyBytes + " body bytes, " + promptChars + " prompt characters, " + maxTokens
					+ " tokens, a queue of " + queue + ", images of " + imageSide + " pixels, " + images + " images of " + imageSteps + " steps, "
					+ parallel + " answers together");
		}
	}

	/** These text limits with the default image limits and answers together. */
	public Limits(int bodyBytes, int promptChars, int maxTokens, int queue) {
		this(bodyBytes, promptChars, maxTokens, queue, DEFAULT.imageSide, DEFAULT.images, DEFAULT.imageSteps, DEFAULT.parallel);
	}

	public Limits withImages(int side, int count, int steps) {
		return new Limits(bodyBytes, promptChars, maxTokens, queue, side, count, steps, parallel);
	}

	public Limits withParallel(int answers) {
		return new Limits(bodyBytes, promptChars, maxTokens, queue, imageSide, images, imageSteps, answers);
	}
}
