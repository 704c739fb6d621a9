package dev.atelier.testing.checkpoints;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/**
 * Checkpoint weights given by a formula of each key and element index, computed bit for bit as
 * releng/diffusion/make_engine_reference.py computes them, so that a test writes the very checkpoint diffusers' reference
 * outputs were made from instead of committing it. Each value: murmur3's 32-bit finaliser of
 * {@code fnv1a(key) ^ index·0x9E3779B1} as u in [−1, 1), then 1 + u/10 for a one-dimensional {@code .weight} (a norm's
 * scale), u/10 for a one-dimensional {@code .bias}, u·√(3 / fan-in) for a matrix or kernel (fan-in: every dimension but
 * the first), rounded once to float.
 */
public final class FormulaWeights {

	/** The reduced SD 1.x of the engine's reference outputs: the script's configuration. */
	public static final LdmLayout.Spec SD1_REFERENCE = new LdmLayout.Spec(LdmLayout.Kind.SD1, 4, 32, new int[] { 1, 2, 2 }, 2, new int[] { 1, 1, 0 }, 1,
			new int[] { 128 }, new int[] { 2 }, 49408, 77, 32, new int[] { 1, 2, 2, 2 }, 1, 4, true);
	/**
	 * The reduced SD 2.x of the reference outputs: 64-wide heads (one and two), linear projections, an OpenCLIP text
	 * encoder of three layers, of which SD 2.x runs all but the last.
	 */
	public static final LdmLayout.Spec SD2_REFERENCE = new LdmLayout.Spec(LdmLayout.Kind.SD2, 4, 64, new int[] { 1, 2, 2 }, 2, new int[] { 1, 1, 0 }, 1,
			new int[] { 128 }, new int[] { 3 }, 49408, 77, 32, new int[] { 1, 2, 2, 2 }, 1, 4, true);
	/**
	 * The reduced SDXL of the reference outputs: SDXL base's shape (no attention at the first level, deeper transformers
	 * further down and in the middle), CLIP of two layers and OpenCLIP of three beside each other.
	 */
	public static final LdmLayout.Spec SDXL_REFERENCE = new LdmLayout.Spec(LdmLayout.Kind.SDXL, 4, 64, new int[] { 1, 2, 2 }, 2, new int[] { 0, 1, 2 }, 2,
			new int[] { 64, 128 }, new int[] { 2, 3 }, 49408, 77, 32, new int[] { 1, 2, 2, 2 }, 1, 4, true);

	private FormulaWeights() {
	}

	/** The values of tensor {@code key} of {@code shape}, row-major. */
	public static float[] values(String key, long[] shape) {
		long n = 1;
		for (long d : shape) {
			n *= d;
		}
		boolean vector = shape.length == 1;
		boolean normScale = vector && key.endsWith(".weight");
		// fan-in: every dimension but the first; a scalar (open_clip's logit_scale) counts as one
		double scale = vector ? 0 : Math.sqrt(3.0 / (shape.length == 0 ? 1 : n / shape[0]));
		int seed = fnv1a(key);
		float[] out = new float[(int) n];
		for (int i = 0; i < n; i++) {
			int h = seed ^ i * 0x9E3779B1;
			h ^= h >>> 16;
			h *= 0x85EBCA6B;
			h ^= h >>> 13;
			h *= 0xC2B2AE35;
			h ^= h >>> 16;
			double u = Integer.toUnsignedLong(h) / 4294967296.0 * 2 - 1;
			// the script's very double operations, so that the rounding to float agrees
			out[i] = (float) (normScale ? 1 + u / 10 : vector ? u / 10 : u * scale);
		}
		return out;
	}

	/** {@code spec}'s ldm single file with these weights as {@code dtype} (F32, F16 or BF16). */
	public static Path write(LdmLayout.Spec spec, String dtype, Path file) throws IOException {
		return new SafetensorsWriter().weights(LdmLayout.weights(spec), dtype).values(FormulaWeights::values).write(file);
	}

	/** A ControlNet for {@code spec} ({@link LdmLayout#controlNet}) with these weights as {@code dtype}. */
	public static Path writeControlNet(LdmLayout.Spec spec, int[] hint, String dtype, Path file) throws IOException {
		return new SafetensorsWriter().weights(LdmLayout.controlNet(spec, hint), dtype).values(FormulaWeights::values).write(file);
	}

	/**
	 * {@code spec}'s VAE alone as {@code dtype}: with {@code ownKeys} under the checkpoint's {@code first_stage_model.}
	 * names, so the same weights as {@link #write}'s; else under the bare names a separate VAE file has (as
	 * vae-ft-mse-840000's), whose formula values differ: another VAE.
	 */
	public static Path writeVae(LdmLayout.Spec spec, String dtype, boolean ownKeys, Path file) throws IOException {
		String prefix = "first_stage_model.";
		Map<String, long[]> vae = new LinkedHashMap<>();
		LdmLayout.weights(spec).forEach((k, s) -> {
			if (k.startsWith(prefix)) {
				vae.put(ownKeys ? k : k.substring(prefix.length()), s);
			}
		});
		return new SafetensorsWriter().weights(vae, dtype).values(FormulaWeights::values).write(file);
	}

	private static int fnv1a(String key) {
		int h = 0x811C9DC5;
		for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
			h = (h ^ (b & 0xff)) * 0x01000193;
		}
		return h;
	}
}
