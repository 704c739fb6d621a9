package dev.atelier.diffusion.engine.internal;

import dev.atelier.compute.Tensor;
import dev.atelier.diffusion.checkpoint.VaeConfig;

/**
 * diffusers' AutoencoderKL decoder (post_quant_conv, then Decoder): a latent of height × width pixels to an RGB image
 * 2^(levels−1) times larger, every GroupNorm with ε 1e-6, one single-head attention in the middle block.
 */
final class VaeDecoder {

	private static final float EPS = 1e-6f;

	private final Layers layers;
	private final VaeConfig config;

	VaeDecoder(Layers layers, VaeConfig config) {
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
		try (Tensor z = layers.conv("vae.post_quant_conv", latent, height, width, 1, 1, 0)) {
			x = layers.conv(p + "conv_in", z, height, width, 3, 1, 1);
		}
		x = Layers.replace(x, layers.resnet(p + "mid_block.resnets.0", x, height, width, null, EPS));
		x = Layers.replace(x, midAttention(p + "mid_block.attentions.0", x));
		x = Layers.replace(x, layers.resnet(p + "mid_block.resnets.1", x, height, width, null, EPS));
		int h = height;
		int w = width;
		int levels = config.channelMult().length;
		for (int u = 0; u < levels; u++) {
			String b = p + "up_blocks." + u + ".";
			for (int j = 0; j <= config.resBlocks(); j++) {
				x = Layers.replace(x, layers.resnet(b + "resnets." + j, x, h, w, null, EPS));
			}
			if (u < levels - 1) {
				x = Layers.replace(x, layers.upsample(b + "upsamplers.0", x, h, w));
				h *= 2;
				w *= 2;
			}
		}
		x = Layers.replace(x, layers.groupNorm(p + "conv_norm_out", x, EPS, true));
		return Layers.replace(x, layers.conv(p + "conv_out", x, h, w, 3, 1, 1));
	}

	/** GroupNorm, one-head self-attention over the pixels, plus the input. */
	private Tensor midAttention(String prefix, Tensor x) {
		try (Tensor n = layers.groupNorm(prefix + ".group_norm", x, EPS, false)) {
			Tensor out = layers.attention(prefix, n, n, 1, false);
			layers.compute().add(out, x, out);
			return out;
		}
	}
}
