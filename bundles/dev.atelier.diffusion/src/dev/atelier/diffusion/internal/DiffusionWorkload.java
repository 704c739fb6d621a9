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
 * engine's activations (the known profiles) are base + k × megapixels, whatever the batch: it decodes one image at a
 * time and the VAE decoder's full-resolution layers are its peak; base and k are fitted to its high-water marks under
 * its lease on an H100 (releng/gpu/llm.sh sdfull, docs/gpu-verification.md, session 8: SD 1.5 at 512², 768², 1024²,
 * batch 4 as batch 1; SDXL at 768² and 1024², batch 2 as batch 1). An ONNX pipeline's grow with the batch: k ×
 * megapixels × batch, k fitted to the seed article's table (§4.1: SD 1.5 fp16 512² ≈ 6.5 GB with the 0.5 GB
 * runtime). Tiling the VAE decode removes its peak, about 30 % of the activations. Streamed weights (the native engine
 * on a card too small for them) hold twice the largest block on the card in place of all the weights: the block
 * running and the next.
 */
public record DiffusionWorkload(Profile profile, int width, int height, int batch, boolean fp32, boolean tiledVae, boolean streamed) implements Workload {

	/** The native engine's UNet activations for one row of an image: bytes per megapixel of the image. */
	static final double UNET_ROW_PER_MEGAPIXEL = 1.0e9;

	/**
	 * A model: parameters (UNet + text encoders + VAE), the activation coefficient in bytes per megapixel (per image
	 * where {@code perImage}), the activations' base in bytes, whether the runtime can tile the VAE decode (the planner
	 * then offers it), and the parameters of its largest block, where the runtime can stream the weights (0 where not).
	 */
	public record Profile(String name, double parameters, double activationBytesPerMegapixel, double activationBaseBytes, boolean perImage, boolean tiling,
			double largestBlockParameters) {

		/**
		 * SD 1.x's, 2.x's and SDXL's largest block, the UNet's first up-block resnet: 2560 channels in, 1280 out (3×3
		 * convolutions 2560→1280 and 1280→1280, the 1×1 shortcut, the time projection); their transformer blocks and
		 * text encoder layers are smaller, and the token embeddings stay in host memory.
		 */
		private static final double UNET_LARGEST_BLOCK = 2560 * 1280 * 9 + 1280 * 1280 * 9 + 2560 * 1280 + 1280 * 1280;

		/** The native engine's SD 1.5 activations: 7.43 GB per megapixel over a 0.17 GB base (fitted, see above). */
		private static final double SD15_PER_MEGAPIXEL = 7.427e9;
		private static final double SD15_BASE = 0.171e9;
		/** An ONNX pipeline's SD 1.5 activations per megapixel per image (the seed's table). */
		public static final double ONNX_SD15_PER_MEGAPIXEL = 14.8e9;

		private static final Map<String, Profile> KNOWN = Map.of(
				"sd15", engine("sd15", 0.860e9 + 0.123e9 + 0.084e9, SD15_PER_MEGAPIXEL, SD15_BASE),
				// SD 2.x: SD 1.5's VAE and a UNet of its widths; its activations taken as SD 1.5's (not measured apart)
				"sd21", engine("sd21", 0.865e9 + 0.354e9 + 0.084e9, SD15_PER_MEGAPIXEL, SD15_BASE),
				// SDXL's VAE decodes in FP32 (its weights twice as large on the card: in the base)
				"sdxl", engine("sdxl", 2.567e9 + 0.123e9 + 0.695e9 + 0.084e9, 5.923e9, 1.014e9));

		/** A model whose weights cannot be streamed and whose activations grow with the batch (an ONNX pipeline's). */
		public Profile(String name, double parameters, double activationBytesPerMegapixel, boolean tiling) {
			this(name, parameters, activationBytesPerMegapixel, 0, false, tiling, 0);
		}

		/** The native engine's, its fitted activations taken 5 % larger: sizes between the measured ones are not below them. */
		private static Profile engine(String name, double parameters, double perMegapixel, double base) {
			return new Profile(name, parameters, 1.05 * perMegapixel, 1.05 * base, true, true, UNET_LARGEST_BLOCK);
		}

		/** One of the models the seed article measured: sd15, sd21, sdxl. */
		public static Profile known(String name) {
			Profile p = KNOWN.get(name);
			if (p == null) {
				throw new IllegalArgumentException("unknown diffusion model '" + name + "'; known: " + String.join(", ", KNOWN.keySet().stream().sorted().toList()));
			}
			return p;
		}

		/** The native engine's activations for an image of {@code pixels} from a checkpoint of {@code family}. */
		public static long engineActivationBytes(Family family, long pixels) {
			Profile p = known(switch (family) {
				case SD1 -> "sd15";
				case SD2 -> "sd21";
				case SDXL -> "sdxl";
			});
			return Math.round(p.activationBaseBytes() + p.activationBytesPerMegapixel() * pixels / 1e6);
		}
	}

	/**
	 * The UNet rows (CFG's two per image, a batch's images) the native engine runs together for images of
	 * {@code pixels}: as many as fit the activations {@link Profile#engineActivationBytes} leases for one image's decode,
	 * at least one. A row's UNet activations are taken as {@link #UNET_ROW_PER_MEGAPIXEL} per megapixel of the image.
	 */
	public static int engineUnetRows(Family family, long pixels) {
		return (int) Math.max(1, Profile.engineActivationBytes(family, pixels) / (UNET_ROW_PER_MEGAPIXEL * pixels / 1e6));
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
		double perMegapixel = profile.activationBytesPerMegapixel() * (profile.perImage() ? 1 : batch);
		return (profile.activationBaseBytes() + perMegapixel * (width * (double) height / 1e6)) * (tiledVae ? 0.7 : 1.0);
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
		return profile.perImage() ? "one image of " + size + " at a time, " + batch + " in all" : batch + " image(s) of " + size;
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
