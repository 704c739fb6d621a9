package dev.atelier.diffusion;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import dev.atelier.diffusion.Sampler;

/**
 * What to generate. Image i of a batch uses seed {@code seed + i}, as AUTOMATIC1111 does, and is the same image as
 * a batch of one with that seed. Seed {@value #RANDOM_SEED} asks for a fresh random seed, as in AUTOMATIC1111: the
 * queue draws one per job ({@link #withDrawnSeed()}), so the PNGs and the job record name the seed actually used.
 *
 * @param initImage an image to start from (img2img), or null for txt2img
 * @param strength  how much of the init image is replaced, in (0, 1]; ignored without an init image
 * @param mask      for inpainting, an image of the init image's size whose white pixels are repainted and black ones kept,
 *                  or null
 * @param loras     LoRA files merged into the model for this request, besides those the prompt's {@code <lora:name:W>}
 *                  tags name
 * @param control   a ControlNet and its control image, or null
 * @param tileVae   whether the VAE decodes (and encodes the init image) in overlapping tiles, for images beyond what one
 *                  pass fits
 * @param vae       a VAE file (or the name of one in the workspace's {@code models/vae}) that replaces a checkpoint's own,
 *                  or null
 */
public record GenerationRequest(String prompt, String negativePrompt, Sampler sampler, int steps, double cfgScale, long seed, int width,
		int height, int batch, Path initImage, double strength, Path mask, List<LoraChoice> loras, ControlChoice control, boolean tileVae, Path vae) {

	public static final int MIN_SIZE = 64;
	public static final int MAX_SIZE = 4096;
	public static final int MAX_BATCH = 64;
	public static final long RANDOM_SEED = -1;
	/** AUTOMATIC1111's seeds are 32-bit; drawn seeds keep to that so that they can be typed into it too. */
	public static final long SEED_BOUND = 1L << 32;

	public GenerationRequest {
		Objects.requireNonNull(prompt, "prompt");
		negativePrompt = negativePrompt == null ? "" : negativePrompt;
		Objects.requireNonNull(sampler, "sampler");
		if (seed < RANDOM_SEED) {
			throw new IllegalArgumentException("the seed must be -1 (random) or 0 and above, not " + seed);
		}
		if (steps < 1 || steps > 1000) {
			throw new IllegalArgumentException("steps must be in 1..1000, not " + steps);
		}
		if (!(cfgScale >= 0 && cfgScale <= 100)) {
			throw new IllegalArgumentException("CFG scale must be in 0..100, not " + cfgScale);
		}
		checkSize("width", width);
		checkSize("height", height);
		if (batch < 1 || batch > MAX_BATCH) {
			throw new IllegalArgumentException("batch must be in 1.." + MAX_BATCH + ", not " + batch);
		}
		if (initImage != null && !(strength > 0 && strength <= 1)) {
			throw new IllegalArgumentException("strength must be in (0, 1], not " + strength);
		}
		if (mask != null && initImage == null) {
			throw new IllegalArgumentException("a mask needs the image it masks (an init image)");
		}
		loras = List.copyOf(loras);
	}

	/** With the checkpoint's own VAE. */
	public GenerationRequest(String prompt, String negativePrompt, Sampler sampler, int steps, double cfgScale, long seed, int width, int height, int batch,
			Path initImage, double strength, Path mask, List<LoraChoice> loras, ControlChoice control, boolean tileVae) {
		this(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, control, tileVae, null);
	}

	/** The VAE in one pass. */
	public GenerationRequest(String prompt, String negativePrompt, Sampler sampler, int steps, double cfgScale, long seed, int width, int height, int batch,
			Path initImage, double strength, Path mask, List<LoraChoice> loras, ControlChoice control) {
		this(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, control, false);
	}

	/** Without a ControlNet. */
	public GenerationRequest(String prompt, String negativePrompt, Sampler sampler, int steps, double cfgScale, long seed, int width, int height, int batch,
			Path initImage, double strength, Path mask, List<LoraChoice> loras) {
		this(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, null);
	}

	/** Without LoRA files (the prompt may still name LoRAs). */
	public GenerationRequest(String prompt, String negativePrompt, Sampler sampler, int steps, double cfgScale, long seed, int width, int height, int batch,
			Path initImage, double strength, Path mask) {
		this(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, List.of());
	}

	/** Without a mask: txt2img, or img2img from {@code initImage}. */
	public GenerationRequest(String prompt, String negativePrompt, Sampler sampler, int steps, double cfgScale, long seed, int width, int height, int batch,
			Path initImage, double strength) {
		this(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, null, List.of());
	}

	private static void checkSize(String what, int v) {
		if (v % 8 != 0) {
			throw new IllegalArgumentException(what + " " + v + " is not a multiple of 8 (the VAE works on 8×8 pixel blocks); try " + Math.max(MIN_SIZE, v / 8 * 8));
		}
		if (v < MIN_SIZE || v > MAX_SIZE) {
			throw new IllegalArgumentException(what + " " + v + " is outside " + MIN_SIZE + ".." + MAX_SIZE);
		}
	}

	/** A txt2img request with the usual defaults: Euler a, 20 steps, CFG 7.5, 512×512, one image. */
	public static GenerationRequest of(String prompt, long seed) {
		return new GenerationRequest(prompt, "", Sampler.EULER_A, 20, 7.5, seed, 512, 512, 1, null, 0.75);
	}

	public GenerationRequest withSize(int w, int h) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, w, h, batch, initImage, strength, mask, loras, control, tileVae, vae);
	}

	public GenerationRequest withSteps(int n) {
		return new GenerationRequest(prompt, negativePrompt, sampler, n, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, control, tileVae, vae);
	}

	public GenerationRequest withSampler(Sampler s) {
		return new GenerationRequest(prompt, negativePrompt, s, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, control, tileVae, vae);
	}

	public GenerationRequest withBatch(int n) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, n, initImage, strength, mask, loras, control, tileVae, vae);
	}

	public GenerationRequest withSeed(long s) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, s, width, height, batch, initImage, strength, mask, loras, control, tileVae, vae);
	}

	/** Whether the seed is still to be drawn ({@value #RANDOM_SEED}). */
	public boolean randomSeed() {
		return seed == RANDOM_SEED;
	}

	/** This request with a fresh random seed in place of {@value #RANDOM_SEED}; with a given seed, this request. */
	public GenerationRequest withDrawnSeed() {
		return randomSeed() ? withSeed(ThreadLocalRandom.current().nextLong(SEED_BOUND)) : this;
	}

	public GenerationRequest withInit(Path image, double s) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, image, s, mask, loras, control, tileVae, vae);
	}

	/** This request inpainting its init image where {@code m} is white. */
	public GenerationRequest withMask(Path m) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, m, loras, control, tileVae, vae);
	}

	/** This request with these LoRA files merged into the model. */
	public GenerationRequest withLoras(List<LoraChoice> files) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, files, control, tileVae, vae);
	}

	/** This request with this ControlNet (null: none). */
	public GenerationRequest withControl(ControlChoice c) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, c, tileVae, vae);
	}

	/** This request with the VAE tiled or not. */
	public GenerationRequest withTileVae(boolean tiled) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, control, tiled, vae);
	}

	/** This request with this VAE (a file, or a name in the workspace's {@code models/vae}) replacing the checkpoint's; null: its own. */
	public GenerationRequest withVae(Path file) {
		return new GenerationRequest(prompt, negativePrompt, sampler, steps, cfgScale, seed, width, height, batch, initImage, strength, mask, loras, control, tileVae, file);
	}

	public boolean guided() {
		return cfgScale > 1;
	}
}
