package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import dev.atelier.core.outputs.Images;
import dev.atelier.server.ApiException;
import dev.atelier.server.JsonFields;
import dev.atelier.server.Limits;

/** The fields both image APIs read, within the server's limits: 400 naming the field and the limit beyond them. */
final class ImageFields {

	private ImageFields() {
	}

	/** A width or height in pixels. */
	static int side(JsonFields f, String name, int value, Limits limits) throws ApiException {
		return within(f, name, value, limits.imageSide(), "pixels a side", "--max-image-size");
	}

	/** Denoising steps; where the request names none, {@code otherwise} within the limit. */
	static int steps(JsonFields f, String name, int otherwise, Limits limits) throws ApiException {
		return within(f, name, (int) f.integer(name, Math.min(otherwise, limits.imageSteps()), 1, Integer.MAX_VALUE), limits.imageSteps(), "steps an image",
				"--max-steps");
	}

	/** The images of a request: {@code count} of {@code name}'s field (the batch, n_iter or n). */
	static void images(JsonFields f, String name, long count, Limits limits) throws ApiException {
		if (count > limits.images()) {
			throw new ApiException(400, "'" + f.path() + name + "' asks for " + count + " images; this server makes at most " + limits.images()
					+ " per request (--max-images)", f.path() + name);
		}
	}

	static String prompt(JsonFields f, String name, Limits limits) throws ApiException {
		String text = f.string(name).orElse("");
		if (text.length() > limits.promptChars()) {
			throw new ApiException(400, "'" + f.path() + name + "' has " + text.length() + " characters; this server takes at most " + limits.promptChars()
					+ " (--max-prompt-chars)", f.path() + name);
		}
		return text;
	}

	/** A seed as A1111 takes it: -1 (or none) for a fresh random one. */
	static long seed(JsonFields f, String name) throws ApiException {
		long seed = f.integer(name, -1, -1, Long.MAX_VALUE);
		return seed == -1 ? ThreadLocalRandom.current().nextLong(1L << 32) : seed;
	}

	/**
	 * A base64 image (a {@code data:} URL's or plain) as its PNG, JPEG, BMP or GIF bytes, checked to decode within
	 * {@code maxPixels}; 400 naming {@code name} otherwise.
	 */
	static byte[] image(JsonFields f, String name, String text, long maxPixels) throws ApiException {
		String base64 = text.startsWith("data:image/") ? text.substring(text.indexOf(',') + 1) : text;
		byte[] bytes;
		try {
			bytes = Base64.getMimeDecoder().decode(base64);
		} catch (IllegalArgumentException e) {
			throw f.wrong(name, "a base64 image: " + e.getMessage());
		}
		try {
			Images.decode(bytes, f.path() + name, maxPixels);
		} catch (IOException e) {
			throw f.wrong(name, "a PNG" + (Images.readsJpeg() ? ", JPEG, BMP or GIF" : "") + " image (" + e.getMessage() + ")");
		}
		return bytes;
	}

	private static int within(JsonFields f, String name, int value, int limit, String what, String option) throws ApiException {
		if (value > limit) {
			throw new ApiException(400, "'" + f.path() + name + "' is " + value + "; this server makes at most " + limit + " " + what + " (" + option + ")",
					f.path() + name);
		}
		return value;
	}
}
