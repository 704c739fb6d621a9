package dev.atelier.diffusion.engine.internal;

import java.lang.foreign.MemorySegment;

import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.diffusion.checkpoint.TextEncoderConfig;

/**
 * CLIP's text transformer as SD 1.x uses it (transformers' CLIPTextModel, ViT-L form): token plus position
 * embeddings, pre-norm layers of causal self-attention (64-wide heads) and a quick-GELU MLP, the final LayerNorm; its
 * last hidden states are the UNet's context.
 */
final class TextEncoder {

	private static final float EPS = 1e-5f;

	private final Layers layers;
	private final TextEncoderConfig config;
	private final String prefix;

	/** {@code prefix}: the encoder's weights' name prefix, {@code text_encoder.}. */
	TextEncoder(Layers layers, TextEncoderConfig config, String prefix) {
		this.layers = layers;
		this.config = config;
		this.prefix = prefix + "text_model.";
	}

	int positions() {
		return config.positions();
	}

	int width() {
		return config.width();
	}

	/** The last hidden states (positions × width) of {@code ids}, as many as the encoder has positions. */
	Tensor encode(int[] ids) {
		if (ids.length != config.positions()) {
			throw new IllegalArgumentException("the text encoder takes " + config.positions() + " token ids, not " + ids.length);
		}
		int[] positions = new int[ids.length];
		for (int i = 0; i < ids.length; i++) {
			if (ids[i] < 0 || ids[i] >= config.vocab()) {
				throw new IllegalArgumentException("token id " + ids[i] + " is outside the text encoder's vocabulary of " + config.vocab());
			}
			positions[i] = i;
		}
		int n = ids.length;
		int d = config.width();
		Tensor x = layers.allocate(n, d);
		try (Tensor idTensor = ints(ids); Tensor positionIds = ints(positions); Tensor position = layers.allocate(n, d)) {
			layers.compute().getRows(layers.weight(prefix + "embeddings.token_embedding.weight"), idTensor, x);
			layers.compute().getRows(layers.weight(prefix + "embeddings.position_embedding.weight"), positionIds, position);
			layers.compute().add(x, position, x);
		}
		for (int l = 0; l < config.layers(); l++) {
			String layer = prefix + "encoder.layers." + l + ".";
			try (Tensor h = layers.layerNorm(layer + "layer_norm1", x, EPS)) {
				layers.addInto(x, selfAttention(layer + "self_attn", h));
			}
			try (Tensor h = layers.layerNorm(layer + "layer_norm2", x, EPS); Tensor up = layers.linear(layer + "mlp.fc1", h)) {
				layers.activate(Activation.QUICK_GELU, up);
				layers.addInto(x, layers.linear(layer + "mlp.fc2", up));
			}
		}
		return Layers.replace(x, layers.layerNorm(prefix + "final_layer_norm", x, EPS));
	}

	/** CLIP's attention: q, k, v and out projections named q_proj … out_proj, causal. */
	private Tensor selfAttention(String p, Tensor h) {
		try (Tensor q = layers.linear(p + ".q_proj", h); Tensor k = layers.linear(p + ".k_proj", h); Tensor v = layers.linear(p + ".v_proj", h);
				Tensor a = layers.allocate(h.rows(), h.cols())) {
			layers.compute().multiHeadAttention(q, k, v, config.heads(), true, a);
			return layers.linear(p + ".out_proj", a);
		}
	}

	private Tensor ints(int[] values) {
		Tensor t = layers.compute().allocate(TensorType.I32, 1, values.length);
		t.write(MemorySegment.ofArray(values));
		return t;
	}
}
