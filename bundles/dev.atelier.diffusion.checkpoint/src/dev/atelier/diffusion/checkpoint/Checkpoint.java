package dev.atelier.diffusion.checkpoint;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.atelier.diffusion.checkpoint.internal.Loader;

/**
 * A Stable Diffusion model opened from a single-file checkpoint ({@code .safetensors}, {@code .ckpt}) or a diffusers
 * folder with {@code .safetensors} weights: its family and configuration, read from the tensors, and every weight under
 * its internal name (diffusers' module names under {@code unet.}, {@code vae.}, {@code text_encoder.},
 * {@code text_encoder_2.}). Opening checks every weight the configuration needs is there with its shape, so a model is
 * complete or refused; the data stays in the files (mapped) until an engine reads it. Close it to unmap them.
 */
public final class Checkpoint implements AutoCloseable {

	private final Path source;
	private final String format;
	private final Family family;
	private final Prediction prediction;
	private final UNetConfig unet;
	private final Map<String, TextEncoderConfig> textEncoders;
	private final VaeConfig vae;
	private final Path vaeSource;
	private final Map<String, Weight> weights;
	private final List<String> ignored;
	private final List<String> unused;
	private final List<AutoCloseable> files;

	public Checkpoint(Path source, String format, Family family, Prediction prediction, UNetConfig unet, Map<String, TextEncoderConfig> textEncoders,
			VaeConfig vae, Path vaeSource, Map<String, Weight> weights, List<String> ignored, List<String> unused, List<AutoCloseable> files) {
		this.source = source;
		this.format = format;
		this.family = family;
		this.prediction = prediction;
		this.unet = unet;
		this.textEncoders = Collections.unmodifiableMap(textEncoders);
		this.vae = vae;
		this.vaeSource = vaeSource;
		this.weights = Collections.unmodifiableMap(new TreeMap<>(weights));
		this.ignored = List.copyOf(ignored);
		this.unused = List.copyOf(unused);
		this.files = List.copyOf(files);
	}

	/**
	 * Opens {@code model} (a {@code .safetensors}, {@code .ckpt}/{@code .pt} file or a diffusers folder), its VAE
	 * replaced by {@code vaeFile}'s where that is not null.
	 */
	public static Checkpoint open(Path model, Path vaeFile) throws CheckpointException {
		return Loader.open(model, vaeFile);
	}

	public Path source() {
		return source;
	}

	/** "safetensors", "ckpt (zip)", "ckpt (legacy)" or "diffusers folder". */
	public String format() {
		return format;
	}

	public Family family() {
		return family;
	}

	public Prediction prediction() {
		return prediction;
	}

	public boolean inpainting() {
		return unet.inpainting();
	}

	public UNetConfig unet() {
		return unet;
	}

	/** By name prefix: {@code text_encoder.} (CLIP ViT-L or OpenCLIP ViT-H) and, for SDXL, {@code text_encoder_2.} (OpenCLIP ViT-bigG). */
	public Map<String, TextEncoderConfig> textEncoders() {
		return textEncoders;
	}

	public VaeConfig vae() {
		return vae;
	}

	/** Where the VAE came from: the model itself or the separate VAE file. */
	public Path vaeSource() {
		return vaeSource;
	}

	/** Every weight the configuration needs, by internal name. */
	public Map<String, Weight> weights() {
		return weights;
	}

	/** Stored keys left out as known extras: schedule tables, EMA copies, position ids, logit scales. */
	public List<String> ignored() {
		return ignored;
	}

	/** Stored keys that map to nothing the configuration needs. */
	public List<String> unused() {
		return unused;
	}

	/** What was detected, in a few lines for people. */
	public String describe() {
		StringBuilder sb = new StringBuilder();
		sb.append(source).append(": ").append(family.displayName()).append(inpainting() ? " inpainting" : "").append(", ")
				.append(prediction == Prediction.V_PREDICTION ? "v-prediction" : "ε-prediction").append(" (").append(format).append(")\n");
		sb.append("  UNet: ").append(unet).append(", ");
		sb.append(family == Family.SD1 ? Family.SD1_UNET_HEADS + " heads" : Family.HEAD_WIDTH + "-wide heads").append('\n');
		textEncoders.forEach((prefix, c) -> sb.append("  ").append(prefix, 0, prefix.length() - 1).append(": ").append(c).append('\n'));
		sb.append("  VAE: ").append(vae).append(vaeSource.equals(source) ? "" : " (from " + vaeSource + ")").append('\n');
		long bytes = 0;
		Map<DType, Integer> types = new TreeMap<>();
		for (Weight w : weights.values()) {
			bytes += w.elements() * w.dtype().bytes();
			types.merge(w.dtype(), 1, Integer::sum);
		}
		sb.append("  weights: ").append(weights.size()).append(" tensors, ").append(String.format("%.1f MiB", bytes / 1048576.0)).append(' ').append(types);
		sb.append("; ").append(ignored.size()).append(" extra buffers ignored");
		if (!unused.isEmpty()) {
			sb.append("; ").append(unused.size()).append(" keys unused (").append(String.join(", ", unused.subList(0, Math.min(5, unused.size()))))
					.append(unused.size() > 5 ? ", …" : "").append(')');
		}
		return sb.toString();
	}

	@Override
	public void close() {
		for (AutoCloseable f : files) {
			try {
				f.close();
			} catch (Exception e) {
				// read-only mappings and zips: nothing to lose on close
			}
		}
	}
}
