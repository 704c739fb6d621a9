package dev.atelier.diffusion.engine.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.ArrayList;

import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.UNetConfig;
import dev.atelier.diffusion.engine.ControlResiduals;

/**
 * diffusers' UNet2DConditionModel as SD 1.x, 2.x and SDXL configure it: a sinusoidal time embedding through two linear
 * layers (SDXL adds its "text_time" embedding: the pooled text embedding and the size conditioning's sinusoids through
 * two more); per level resnet blocks (with the time embedding) each followed by a spatial transformer where the level has
 * one, then a stride-2 convolution; the middle block; per level, mirrored, resnet blocks over the skip connection
 * concatenated to the channels, transformers, nearest upsampling and a convolution; GroupNorm+SiLU and the output
 * convolution. Heads follow the family's rule.
 */
final class UNet {

	/** ResnetBlock2D's and the output norm's ε (the transformers' GroupNorm uses 1e-6, their LayerNorms 1e-5). */
	private static final float EPS = 1e-5f;
	private static final float TRANSFORMER_NORM_EPS = 1e-6f;

	private final Layers layers;
	private final UNetConfig config;
	private final Family family;

	UNet(Layers layers, UNetConfig config, Family family) {
		this.layers = layers;
		this.config = config;
		this.family = family;
	}

	/** Whether the UNet takes SDXL's pooled text embedding and size conditioning (its adm input). */
	boolean takesSizes() {
		return config.admInChannels() > 0;
	}

	/**
	 * SDXL's add_embedding input, a row (adm channels) per image: its pooled text embedding, then each of the six time
	 * ids as a sinusoid as wide as the rest divides, side by side (diffusers' add_time_proj, flattened).
	 */
	Tensor additionInput(List<float[]> pooled, float[] timeIds) {
		int adm = config.admInChannels();
		int rest = adm - pooled.getFirst().length;
		if (rest <= 0 || rest % timeIds.length != 0 || rest / timeIds.length % 2 != 0) {
			throw new IllegalArgumentException("the UNet's adm input of " + adm + " does not take a pooled embedding of " + pooled.getFirst().length
					+ " and " + timeIds.length + " size values");
		}
		float[] sinusoids;
		try (Tensor ids = layers.upload(timeIds, 1, timeIds.length); Tensor out = layers.allocate(timeIds.length, rest / timeIds.length)) {
			layers.compute().timestepEmbedding(ids, out);
			sinusoids = Layers.read(out);
		}
		float[] rows = new float[pooled.size() * adm];
		for (int i = 0; i < pooled.size(); i++) {
			System.arraycopy(pooled.get(i), 0, rows, i * adm, adm - rest);
			System.arraycopy(sinusoids, 0, rows, i * adm + adm - rest, rest);
		}
		return layers.upload(rows, pooled.size(), adm);
	}

	/**
	 * The predictions (noise or v) for {@code sample}, {@code batch} latents of height·width × in channels one after
	 * another, at {@code timestep} (1 × 1), each with its own run of {@code context}'s rows (batch × tokens, context
	 * width) for cross-attention and, for SDXL, its row of {@code addition} from {@link #additionInput} (null otherwise);
	 * a ControlNet's {@code residuals} per latent (null for none) added to the skip connections and the middle block's
	 * output. Without residuals it writes no tensor and reads none, so that a graph may capture it.
	 */
	Tensor predict(Tensor sample, int batch, int height, int width, Tensor timestep, Tensor context, Tensor addition, List<ControlResiduals> residuals) {
		Tensor time = timeEmbedding(timestep, addition);
		try {
			List<Tensor> encoded = encode(sample, batch, height, width, time, context, null);
			Tensor x = encoded.removeLast();
			if (residuals != null) {
				for (int b = 0; b < batch; b++) {
					for (int i = 0; i < encoded.size(); i++) {
						addResidual(image(encoded.get(i), b, batch), residuals.get(b).down().get(i), "skip connection " + i);
					}
					addResidual(image(x, b, batch), residuals.get(b).mid(), "middle block");
				}
			}
			Deque<Tensor> skips = new ArrayDeque<>();
			encoded.forEach(skips::push);
			int h = height >> (config.levels() - 1);
			int w = width >> (config.levels() - 1);
			int[] depth = config.transformerDepth();
			String p = "unet.";
			for (int u = 0; u < config.levels(); u++) {
				int i = config.levels() - 1 - u;
				String b = p + "up_blocks." + u + ".";
				for (int j = 0; j <= config.resBlocks(); j++) {
					Tensor skip = skips.pop();
					Tensor joined = layers.allocate(x.rows(), x.cols() + skip.cols());
					layers.compute().concatColumns(x, skip, joined);
					x.close();
					skip.close();
					x = Layers.replace(joined, layers.resnet(b + "resnets." + j, joined, batch, h, w, time, EPS));
					if (depth[i] > 0) {
						x = Layers.replace(x, transformer(b + "attentions." + j, x, batch, context));
					}
				}
				if (u < config.levels() - 1) {
					x = Layers.replace(x, layers.upsample(b + "upsamplers.0", x, batch, h, w));
					h *= 2;
					w *= 2;
				}
			}
			x = Layers.replace(x, layers.groupNorm(p + "conv_norm_out", x, batch, EPS, true));
			return Layers.replace(x, layers.conv(p + "conv_out", x, batch, h, w, 3, 1, 1));
		} finally {
			time.close();
		}
	}

	/** Image {@code b}'s rows of a batch's activations. */
	private static Tensor image(Tensor x, int b, int batch) {
		int rows = x.rows() / batch;
		return x.rows(b * rows, rows);
	}

	/** {@code x += residual} (a ControlNet's, in channel planes). */
	private void addResidual(Tensor x, float[] residual, String where) {
		if (residual.length != x.rows() * x.cols()) {
			throw new IllegalArgumentException("the ControlNet's residual for the " + where + " has " + residual.length + " values, not " + x.cols() + " × "
					+ x.rows());
		}
		try (Tensor r = layers.upload(Engine.transpose(residual, x.cols(), x.rows()), x.rows(), x.cols())) {
			layers.compute().add(x, r, x);
		}
	}

	/**
	 * conv_in (plus {@code hint}, a ControlNet's embedded hint, where given), the down blocks and the middle block of
	 * {@code batch} latents, as diffusers' UNet2DConditionModel and ControlNetModel share them: the skip connections in
	 * the order they are made, then the middle block's output last. {@code time} is from {@link #timeEmbedding}.
	 */
	List<Tensor> encode(Tensor sample, int batch, int height, int width, Tensor time, Tensor context, Tensor hint) {
		int factor = 1 << (config.levels() - 1);
		if (height % factor != 0 || width % factor != 0) {
			throw new IllegalArgumentException("this UNet halves the latent " + (config.levels() - 1) + " times; " + width + "×" + height
					+ " is not a multiple of " + factor);
		}
		String p = "unet.";
		List<Tensor> out = new ArrayList<>();
		Tensor x = layers.conv(p + "conv_in", sample, batch, height, width, 3, 1, 1);
		if (hint != null) {
			layers.compute().add(x, hint, x);
		}
		out.add(copy(x));
		int h = height;
		int w = width;
		int[] depth = config.transformerDepth();
		for (int i = 0; i < config.levels(); i++) {
			String b = p + "down_blocks." + i + ".";
			for (int j = 0; j < config.resBlocks(); j++) {
				x = Layers.replace(x, layers.resnet(b + "resnets." + j, x, batch, h, w, time, EPS));
				if (depth[i] > 0) {
					x = Layers.replace(x, transformer(b + "attentions." + j, x, batch, context));
				}
				out.add(copy(x));
			}
			if (i < config.levels() - 1) {
				x = Layers.replace(x, layers.conv(b + "downsamplers.0.conv", x, batch, h, w, 3, 2, 1));
				h /= 2;
				w /= 2;
				out.add(copy(x));
			}
		}
		x = Layers.replace(x, layers.resnet(p + "mid_block.resnets.0", x, batch, h, w, time, EPS));
		if (config.midDepth() > 0) {
			x = Layers.replace(x, transformer(p + "mid_block.attentions.0", x, batch, context));
		}
		out.add(Layers.replace(x, layers.resnet(p + "mid_block.resnets.1", x, batch, h, w, time, EPS)));
		return out;
	}

	private Tensor copy(Tensor x) {
		Tensor c = layers.allocate(x.rows(), x.cols());
		layers.compute().copy(x, c);
		return c;
	}

	/**
	 * SiLU(time_embedding(sinusoids(t)) + add_embedding(addition)), the second term SDXL's only: what every resnet block
	 * projects (they all take it through SiLU first). One row, or with an addition one per image.
	 */
	Tensor timeEmbedding(Tensor timestep, Tensor addition) {
		Tensor emb;
		try (Tensor sinusoids = layers.allocate(1, config.modelChannels())) {
			layers.compute().timestepEmbedding(timestep, sinusoids);
			emb = mlp("unet.time_embedding", sinusoids);
		}
		if (addition != null) {
			Tensor added = mlp("unet.add_embedding", addition);
			layers.compute().add(added, emb, added);
			emb = Layers.replace(emb, added);
		}
		layers.activate(Activation.SILU, emb);
		return emb;
	}

	/** diffusers' TimestepEmbedding: linear_2(SiLU(linear_1(x))). */
	private Tensor mlp(String prefix, Tensor x) {
		try (Tensor hidden = layers.linear(prefix + ".linear_1", x)) {
			layers.activate(Activation.SILU, hidden);
			return layers.linear(prefix + ".linear_2", hidden);
		}
	}

	/**
	 * diffusers' Transformer2DModel: GroupNorm, the input projection, per block self-attention, cross-attention to the
	 * context and the GEGLU feed-forward (each after a LayerNorm, added back), the output projection, plus the input.
	 */
	private Tensor transformer(String prefix, Tensor x, int batch, Tensor context) {
		int heads = family.unetHeads(x.cols());
		Tensor h;
		try (Tensor n = layers.groupNorm(prefix + ".norm", x, batch, TRANSFORMER_NORM_EPS, false)) {
			// a 1×1 convolution on pixel rows is the linear layer of its kernel
			h = layers.linear(prefix + ".proj_in", n);
		}
		int blocks = blocks(prefix);
		for (int k = 0; k < blocks; k++) {
			String b = prefix + ".transformer_blocks." + k + ".";
			try (Tensor n = layers.layerNorm(b + "norm1", h, EPS)) {
				layers.addInto(h, layers.attention(b + "attn1", n, n, batch, heads, false));
			}
			try (Tensor n = layers.layerNorm(b + "norm2", h, EPS)) {
				layers.addInto(h, layers.attention(b + "attn2", n, context, batch, heads, false));
			}
			try (Tensor n = layers.layerNorm(b + "norm3", h, EPS); Tensor proj = layers.linear(b + "ff.net.0.proj", n);
					Tensor gated = layers.allocate(n.rows(), proj.cols() / 2)) {
				layers.compute().geglu(proj, gated);
				layers.addInto(h, layers.linear(b + "ff.net.2", gated));
			}
		}
		Tensor out = layers.linear(prefix + ".proj_out", h);
		h.close();
		layers.compute().add(out, x, out);
		return out;
	}

	/** The transformer blocks under {@code prefix}: the level's depth, as the checkpoint has them. */
	private int blocks(String prefix) {
		int k = 0;
		while (layers.has(prefix + ".transformer_blocks." + k + ".norm1.weight")) {
			k++;
		}
		return k;
	}
}
