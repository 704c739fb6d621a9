package dev.atelier.diffusion.engine.internal;

import dev.atelier.compute.Tensor;
import dev.atelier.diffusion.checkpoint.VaeConfig;

/**
 * diffusers' AutoencoderKL: the decoder (post_quant_conv, then Decoder) from a latent of height × width pixels to an
 * RGB image 2^(levels−1) times larger, and the encoder (Encoder, then quant_conv) back to the latent's mean and
 * log-variance; every GroupNorm with ε 1e-6, one single-head attention in each middle block.
 */
final class Vae {

	private static final float EPS = 1e-6f;

	private final Layers layers;
	private final VaeConfig config;

	Vae(Layers layers, VaeConfig config) {
		this.layers = layers;
		this.config = config;
	}

	/** How many times larger the image is than the latent. */
	int scale() {
		return 1 << (config.channelMult().length - 1);
	}

	/** The image (pixels × 3, values around [−1, 1]) of {@code latent} (height·width × latent channels, unscaled). */
	Tensor decode(Tensor latent, int height, int width) {
		String p = "vae.decoder.";
		Tensor x;
		try (Tensor z = layers.conv("vae.post_quant_conv", latent, 1, height, width, 1, 1, 0)) {
			x = layers.conv(p + "conv_in", z, 1, height, width, 3, 1, 1);
		}
		x = middle(p + "mid_block", x, height, width);
		int h = height;
		int w = width;
		int levels = config.channelMult().length;
		for (int u = 0; u < levels; u++) {
			String b = p + "up_blocks." + u + ".";
			for (int j = 0; j <= config.resBlocks(); j++) {
				x = Layers.replace(x, layers.resnet(b + "resnets." + j, x, 1, h, w, null, EPS));
			}
			if (u < levels - 1) {
				x = Layers.replace(x, layers.upsample(b + "upsamplers.0", x, 1, h, w));
				h *= 2;
				w *= 2;
			}
		}
		return out(p, x, h, w);
	}

	/**
	 * The latent distribution of {@code image} (height·width × 3, values in [−1, 1]; sides multiples of
	 * {@link #scale()}): pixels × (mean ‖ log-variance), 2 × latent channels.
	 */
	Tensor encode(Tensor image, int height, int width) {
		String p = "vae.encoder.";
		Tensor x = layers.conv(p + "conv_in", image, 1, height, width, 3, 1, 1);
		int h = height;
		int w = width;
		int levels = config.channelMult().length;
		for (int i = 0; i < levels; i++) {
			String b = p + "down_blocks." + i + ".";
			for (int j = 0; j < config.resBlocks(); j++) {
				x = Layers.replace(x, layers.resnet(b + "resnets." + j, x, 1, h, w, null, EPS));
			}
			if (i < levels - 1) {
				// Downsample2D without padding: one zero row and column after the image, then a stride-2 convolution
				try (Tensor padded = layers.allocate((h + 1) * (w + 1), x.cols())) {
					layers.compute().pad(x, h, w, 0, 1, 0, 1, padded);
					x = Layers.replace(x, layers.conv(b + "downsamplers.0.conv", padded, 1, h + 1, w + 1, 3, 2, 0));
				}
				h /= 2;
				w /= 2;
			}
		}
		x = middle(p + "mid_block", x, h, w);
		x = out(p, x, h, w);
		return Layers.replace(x, layers.conv("vae.quant_conv", x, 1, h, w, 1, 1, 0));
	}

	/** UNetMidBlock2D: a resnet block, GroupNorm and one-head self-attention over the pixels plus the input, a resnet block. */
	private Tensor middle(String prefix, Tensor x, int height, int width) {
		x = Layers.replace(x, layers.resnet(prefix + ".resnets.0", x, 1, height, width, null, EPS));
		String a = prefix + ".attentions.0";
		try (Tensor n = layers.groupNorm(a + ".group_norm", x, 1, EPS, false)) {
			Tensor attended = layers.attention(a, n, n, 1, 1, false);
			layers.compute().add(attended, x, attended);
			x = Layers.replace(x, attended);
		}
		return Layers.replace(x, layers.resnet(prefix + ".resnets.1", x, 1, height, width, null, EPS));
	}

	/** GroupNorm+SiLU and the output convolution. */
	private Tensor out(String prefix, Tensor x, int height, int width) {
		x = Layers.replace(x, layers.groupNorm(prefix + "conv_norm_out", x, 1, EPS, true));
		return Layers.replace(x, layers.conv(prefix + "conv_out", x, 1, height, width, 3, 1, 1));
	}
}
