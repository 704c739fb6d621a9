package dev.atelier.diffusion.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.Workloads;

/**
 * A Stable Diffusion pipeline generating {@code batch} images of {@code width}×{@code height}.
 *
 * <p>bytes = parameters × bytes per parameter (fp16: 2, fp32: 4) + k × megapixels × batch × (tiled VAE ? 0.7 : 1),
 * where k (bytes of activations per megapixel per image, classifier-free guidance included) is fitted to the
 * seed article's table (§4.1: SD 1.5 fp16 512² ≈ 6.5 GB, SDXL fp16 1024² ≈ 12 GB, both with the 0.5 GB
 * runtime counted once per plan). Tiling the VAE decode removes its peak, about 30 % of the activations.
 */
public record DiffusionWorkload(Profile profile, int width, int height, int batch, boolean fp32, boolean tiledVae) implements Workload {

	/**
	 * A model: parameters (UNet + text encoders + VAE), the activation coefficient in bytes per megapixel, and
	 * whether the runtime can tile the VAE decode (the planner then offers it).
	 */
	public record Profile(String name, double parameters, double activationBytesPerMegapixel, boolean tiling) {

		private static final Map<String, Profile> KNOWN = Map.of(
				"sd15", new Profile("sd15", 0.860e9 + 0.123e9 + 0.084e9, 14.8e9, true),
				"sd21", new Profile("sd21", 0.865e9 + 0.354e9 + 0.084e9, 14.8e9, true),
				"sdxl", new Profile("sdxl", 2.567e9 + 0.123e9 + 0.695e9 + 0.084e9, 4.35e9, true));

		/** One of the models the seed article measured: sd15, sd21, sdxl. */
		public static Profile known(String name) {
			Profile p = KNOWN.get(name);
			if (p == null) {
				throw new IllegalArgumentException("unknown diffusion model '" + name + "'; known: " + String.join(", ", KNOWN.keySet().stream().sorted().toList()));
			}
			return p;
		}

		/** SD 1.5's activation coefficient, for models measured from their files and scaled by their UNet width. */
		public static double sd15ActivationBytesPerMegapixel() {
			return KNOWN.get("sd15").activationBytesPerMegapixel();
		}
	}

	public DiffusionWorkload {
		Objects.requireNonNull(profile, "profile");
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
		return profile.parameters() * (fp32 ? 4 : 2);
	}

	private double activations() {
		return profile.activationBytesPerMegapixel() * (width * (double) height / 1e6) * batch * (tiledVae ? 0.7 : 1.0);
	}

	@Override
	public String spec() {
		return profile.name() + "@" + width + "x" + height + "x" + batch + (fp32 ? ":fp32" : "") + (tiledVae ? ":tiled" : "");
	}

	@Override
	public long bytes() {
		return Math.round(weights() + activations());
	}

	@Override
	public String breakdown() {
		return String.format(Locale.ROOT, "weights %s (%s), activations %s (%d image(s) of %.2f MP%s)", Workloads.gib(weights()),
				fp32 ? "fp32" : "fp16", Workloads.gib(activations()), batch, width * (double) height / 1e6, tiledVae ? ", tiled VAE" : "");
	}

	@Override
	public List<Workload> cheaper() {
		List<Workload> options = new ArrayList<>();
		if (fp32) {
			options.add(new DiffusionWorkload(profile, width, height, batch, false, tiledVae));
		}
		if (!tiledVae && profile.tiling()) {
			options.add(new DiffusionWorkload(profile, width, height, batch, fp32, true));
		}
		for (int b = batch / 2; b >= 1; b /= 2) {
			options.add(new DiffusionWorkload(profile, width, height, b, fp32, tiledVae));
		}
		return options;
	}
}
