package dev.atelier.diffusion.internal;

import dev.atelier.diffusion.checkpoint.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.Workloads;

/**
 * A Stable Diffusion pipeline generating {@code batch} images of {@code width}×{@code height}.
 *
 * <p>bytes = parameters × bytes per parameter (fp16: 2, fp32: 4) + activations × (tiled VAE ? 0.7 : 1). The native
 * engine's activations (the known profiles) are base + k × megapixels + u × megapixels × (rows − 2): it decodes one
 * image at a time (the VAE decoder's full-resolution layers), and runs the UNet on CFG's two rows per image, up to
 * {@link #ENGINE_UNET_ROWS} rows together, each row beyond the first two adding u per megapixel; base, k and u are fitted to
 * its high-water marks under its lease on an H100 (releng/gpu/llm.sh sdpeaks, docs/gpu-verification.md, sessions 8 and
 * 9: SD 1.5 at 512², 768², 1024², batches 1, 4 and 16; SDXL at 768² and 1024², batches 1 and 2). An ONNX pipeline's grow with the batch: k ×
 * megapixels × batch, k fitted to the seed article's table (§4.1: SD 1.5 fp16 512² ≈ 6.5 GB with the 0.5 GB
 * runtime). Tiling the VAE decode removes its peak, about 30 % of the activations. Streamed weights (the native engine
 * on a card too small for them) hold twice the largest block on the card in place of all the weights: the block
 * running and the next.
 */
public record DiffusionWorkload(Profile profile, int width, int height, int batch, boolean fp32, boolean tiledVae, boolean streamed) implements Workload {

	/**
	 * The UNet rows the native engine runs together at most (CFG's two per image, a batch's images): beyond 8 the
	 * throughput measured no higher (SD 1.5 at 512², session 9), and each row holds its own activations.
	 */
	public static final int ENGINE_UNET_ROWS = 8;

	/**
	 * A model: parameters (UNet + text encoders + VAE), the activation coefficient in bytes per megapixel (per image
	 * where {@code perImage}), the activations' base in bytes, whether the runtime can tile the VAE decode (the planner
	 * then offers it), and the parameters of its largest block, where the runtime can stream the weights (0 where not).
	 */
	public record Profile(String name, double parameters, double activationBytesPerMegapixel, double activationBaseBytes, boolean perImage, boolean tiling,
			double largestBlockParameters, double activationBytesPerRowMegapixel) {

		/**
		 * SD 1.x's, 2.x's and SDXL's largest block, the UNet's first up-block resnet: 2560 channels in, 1280 out (3×3
		 * convolutions 2560→1280 and 1280→1280, the 1×1 shortcut, the time projection); their transformer blocks and
		 * text encoder layers are smaller, and the token embeddings stay in host memory.
		 */
		private static final double UNET_LARGEST_BLOCK = 2560 * 1280 * 9 + 1280 * 1280 * 9 + 2560 * 1280 + 1280 * 1280;

		/**
		 * The native engine's SD 1.5 activations: 7.43 GB per megapixel over a 0.25 GB base, 0.82 GB per megapixel for each
		 * UNet row beyond CFG's two (fitted, see above).
		 */
		private static final double SD15_PER_MEGAPIXEL = 7.427e9;
		private static final double SD15_BASE = 0.25e9;
		private static final double SD15_PER_ROW = 0.82e9;
		/** An ONNX pipeline's SD 1.5 activations per megapixel per image (the seed's table). */
		public static final double ONNX_SD15_PER_MEGAPIXEL = 14.8e9;

		private static final Map<String, Profile> KNOWN = Map.of(
				"sd15", engine("sd15", 0.860e9 + 0.123e9 + 0.084e9, SD15_PER_MEGAPIXEL, SD15_BASE, SD15_PER_ROW),
				// SD 2.x: SD 1.5's VAE and a UNet of its widths; its activations taken as SD 1.5's (not measured apart)
				"sd21", engine("sd21", 0.865e9 + 0.354e9 + 0.084e9, SD15_PER_MEGAPIXEL, SD15_BASE, SD15_PER_ROW),
				// SDXL's VAE decodes in FP32 (its weights twice as large on the card: in the base)
				"sdxl", engine("sdxl", 2.567e9 + 0.123e9 + 0.695e9 + 0.084e9, 5.923e9, 1.014e9, 0.7e9));

		/** A model whose weights cannot be streamed and whose activations grow with the batch (an ONNX pipeline's). */
		public Profile(String name, double parameters, double activationBytesPerMegapixel, boolean tiling) {
			this(name, parameters, activationBytesPerMegapixel, 0, false, tiling, 0, 0);
		}

		/** The native engine's, its fitted activations taken 5 % larger: sizes between the measured ones are not below them. */
		private static Profile engine(String name, double parameters, double perMegapixel, double base, double perRow) {
			return new Profile(name, parameters, 1.05 * perMegapixel, 1.05 * base, true, true, UNET_LARGEST_BLOCK, 1.05 * perRow);
		}

		/** One of the models the seed article measured: sd15, sd21, sdxl. */
		public static Profile known(String name) {
			Profile p = KNOWN.get(name);
			if (p == null) {
				throw new IllegalArgumentException("unknown diffusion model '" + name + "'; known: " + String.join(", ", KNOWN.keySet().stream().sorted().toList()));
			}
			return p;
		}

		/** The native engine's activations for a batch of images of {@code pixels} from a checkpoint of {@code family}. */
		public static long engineActivationBytes(Family family, long pixels, int batch) {
			Profile p = known(switch (family) {
				case SD1 -> "sd15";
				case SD2 -> "sd21";
				case SDXL -> "sdxl";
			});
			return Math.round(p.activationBytes(pixels / 1e6, batch, false));
		}

		/**
		 * Activations for a batch of images of {@code megapixels}; a tiled VAE takes 30 % off the decoder's share, not off
		 * the UNet rows' beyond CFG's two.
		 */
		double activationBytes(double megapixels, int batch, boolean tiledVae) {
			double tiling = tiledVae ? 0.7 : 1.0;
			if (!perImage) {
				return (activationBaseBytes + activationBytesPerMegapixel * megapixels * batch) * tiling;
			}
			return (activationBaseBytes + activationBytesPerMegapixel * megapixels) * tiling
					+ activationBytesPerRowMegapixel * megapixels * (engineUnetRows(batch) - 2);
		}
	}

	/** The UNet rows the native engine runs together for a batch: CFG's two per image, at most {@link #ENGINE_UNET_ROWS}. */
	public static int engineUnetRows(int batch) {
		return Math.min(2 * batch, ENGINE_UNET_ROWS);
	}

	/** All the weights on the card. */
	public DiffusionWorkload(Profile profile, int width, int height, int batch, boolean fp32, boolean tiledVae) {
		this(profile, width, height, batch, fp32, tiledVae, false);
	}

	public DiffusionWorkload {
		Objects.requireNonNull(profile, "profile");
		if (streamed && profile.largestBlockParameters() <= 0) {
			throw new IllegalArgumentException(profile.name() + "'s weights cannot be streamed");
		}
		if (width <= 0 || height <= 0 || width % 8 != 0 || height % 8 != 0) {
			throw new IllegalArgumentException("image size " + width + "x" + height + " must be positive multiples of 8");
		}
		if (batch < 1) {
			throw new IllegalArgumentException("batch must be at least 1, not " + batch);
		}
	}

	public String model() {
		return profile.name();
	}

	private double weights() {
		return (streamed ? 2 * profile.largestBlockParameters() : profile.parameters()) * (fp32 ? 4 : 2);
	}

	private double activations() {
		return profile.activationBytes(width * (double) height / 1e6, batch, tiledVae);
	}

	@Override
	public String spec() {
		return profile.name() + "@" + width + "x" + height + "x" + batch + (fp32 ? ":fp32" : "") + (tiledVae ? ":tiled" : "") + (streamed ? ":streamed" : "");
	}

	@Override
	public long bytes() {
		return Math.round(weights() + activations());
	}

	@Override
	public String breakdown() {
		return String.format(Locale.ROOT, "weights %s (%s%s), activations %s (%s%s)", Workloads.gib(weights()),
				fp32 ? "fp32" : "fp16", streamed ? ", streamed from host memory: twice the largest block on the card" : "", Workloads.gib(activations()), images(), tiledVae ? ", tiled VAE" : "");
	}

	private String images() {
		String size = String.format(Locale.ROOT, "%.2f MP", width * (double) height / 1e6);
		return profile.perImage() ? batch + " image(s) of " + size + ", the UNet on " + engineUnetRows(batch) + " rows at a time, the decoder on one image"
				: batch + " image(s) of " + size;
	}

	@Override
	public List<Workload> cheaper() {
		List<Workload> options = new ArrayList<>();
		if (fp32) {
			options.add(new DiffusionWorkload(profile, width, height, batch, false, tiledVae, streamed));
		}
		if (!tiledVae && profile.tiling()) {
			options.add(new DiffusionWorkload(profile, width, height, batch, fp32, true, streamed));
		}
		if (!streamed && profile.largestBlockParameters() > 0) {
			options.add(new DiffusionWorkload(profile, width, height, batch, fp32, tiledVae, true));
		}
		for (int b = batch / 2; b >= 1; b /= 2) {
			options.add(new DiffusionWorkload(profile, width, height, b, fp32, tiledVae, streamed));
		}
		return options;
	}

	/**
	 * The batch spread over the devices as the diffusion queue spreads it ({@link Planner#splitBatch}): a run of images
	 * on each device, with a copy of the model each; a device left without images takes no part.
	 */
	@Override
	public List<Part> split(List<Long> budgets) {
		List<Integer> images = Planner.splitBatch(batch, budgets.size());
		List<Part> parts = new ArrayList<>();
		for (int d = 0; d < images.size(); d++) {
			if (images.get(d) > 0) {
				parts.add(new Part(d, new DiffusionWorkload(profile, width, height, images.get(d), fp32, tiledVae, streamed)));
			}
		}
		return parts;
	}
}
