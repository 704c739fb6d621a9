package dev.atelier.diffusion.engine.internal;

import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.diffusion.checkpoint.TextEncoderConfig;

/**
 * A CLIP text transformer (transformers' CLIPTextModel; OpenCLIP's text towers are mapped onto its names): token plus
 * position embeddings, pre-norm layers of causal self-attention (64-wide heads) and an MLP, the final LayerNorm. Which
 * states condition the UNet is each family's choice, so it is configured: how many layers run before the states are
 * taken, whether the final LayerNorm follows, and whether the pooled output (the final-normed state at the end token,
 * projected by {@code text_projection}) is made as well.
 */
final class TextEncoder {

	private static final float EPS = 1e-5f;

	/** The states after {@code layers} layers (positions × width) and the pooled projection (1 × projection), or null. */
	record Encoded(Tensor states, Tensor pooled) implements AutoCloseable {

		@Override
		public void close() {
			states.close();
			if (pooled != null) {
				pooled.close();
			}
		}
	}

	private final Layers layers;
	private final TextEncoderConfig config;
	private final String prefix;
	private final Activation activation;
	private final int statesAfter;
	private final boolean normStates;
	private final boolean pool;

	/**
	 * @param prefix      the encoder's weights' name prefix, {@code text_encoder.} or {@code text_encoder_2.}
	 * @param activation  the MLP's: QUICK_GELU for OpenAI's CLIP ViT-L, GELU for the OpenCLIP towers
	 * @param statesAfter how many layers run before the states are taken (1 … layers)
	 * @param normStates  whether the final LayerNorm is applied to those states
	 * @param pool        whether to make the pooled, projected output too (needs {@code text_projection})
	 */
	TextEncoder(Layers layers, TextEncoderConfig config, String prefix, Activation activation, int statesAfter, boolean normStates, boolean pool) {
		if (statesAfter < 1 || statesAfter > config.layers()) {
			throw new IllegalArgumentException(prefix + ": states after " + statesAfter + " of " + config.layers() + " layers");
		}
		this.layers = layers;
		this.config = config;
		this.prefix = prefix;
		this.activation = activation;
		this.statesAfter = statesAfter;
		this.normStates = normStates;
		this.pool = pool;
	}

	int positions() {
		return config.positions();
	}

	int width() {
		return config.width();
	}

	/** The pooled output's width, 0 when this encoder makes none. */
	int pooledWidth() {
		return pool ? config.projectionDim() : 0;
	}

	/** The configured states of {@code ids} (as many as the encoder has positions) and, where configured, the pooled output. */
	Encoded encode(int[] ids) {
		if (ids.length != config.positions()) {
			throw new IllegalArgumentException("the text encoder takes " + config.positions() + " token ids, not " + ids.length);
		}
		int[] positions = new int[ids.length];
		int end = 0;
		for (int i = 0; i < ids.length; i++) {
			if (ids[i] < 0 || ids[i] >= config.vocab()) {
				throw new IllegalArgumentException("token id " + ids[i] + " is outside the text encoder's vocabulary of " + config.vocab());
			}
			positions[i] = i;
			// transformers pools OpenCLIP's towers (eos_token_id 2 in their configs) at the first largest id: the end token
			if (ids[i] > ids[end]) {
				end = i;
			}
		}
		String model = prefix + "text_model.";
		int n = ids.length;
		int d = config.width();
		Tensor x = layers.allocate(n, d);
		try (Tensor position = layers.allocate(n, d)) {
			layers.embed(model + "embeddings.token_embedding.weight", ids, x);
			layers.embed(model + "embeddings.position_embedding.weight", positions, position);
			layers.compute().add(x, position, x);
		}
		int run = pool ? config.layers() : statesAfter;
		Tensor states = null;
		try {
			for (int l = 0; l < run; l++) {
				layer(model + "encoder.layers." + l + ".", x);
				if (l + 1 == statesAfter) {
					states = normStates ? layers.layerNorm(model + "final_layer_norm", x, EPS) : copy(x);
				}
			}
			if (!pool) {
				return new Encoded(states, null);
			}
			try (Tensor normed = layers.layerNorm(model + "final_layer_norm", x, EPS); Tensor at = layers.ints(new int[] { end });
					Tensor row = layers.allocate(1, d)) {
				layers.compute().getRows(normed, at, row);
				return new Encoded(states, layers.linear(prefix + "text_projection", row));
			}
		} catch (RuntimeException e) {
			if (states != null) {
				states.close();
			}
			throw e;
		} finally {
			x.close();
		}
	}

	/** One pre-norm layer on x in place. */
	private void layer(String layer, Tensor x) {
		try (Tensor h = layers.layerNorm(layer + "layer_norm1", x, EPS)) {
			layers.addInto(x, selfAttention(layer + "self_attn", h));
		}
		try (Tensor h = layers.layerNorm(layer + "layer_norm2", x, EPS); Tensor up = layers.linear(layer + "mlp.fc1", h)) {
			layers.activate(activation, up);
			layers.addInto(x, layers.linear(layer + "mlp.fc2", up));
		}
	}

	/** CLIP's attention: q, k, v and out projections named q_proj … out_proj, causal. */
	private Tensor selfAttention(String p, Tensor h) {
		try (Tensor q = layers.linear(p + ".q_proj", h); Tensor k = layers.linear(p + ".k_proj", h); Tensor v = layers.linear(p + ".v_proj", h);
				Tensor a = layers.allocate(h.rows(), h.cols())) {
			layers.compute().multiHeadAttention(q, k, v, config.heads(), true, a);
			return layers.linear(p + ".out_proj", a);
		}
	}

	private Tensor copy(Tensor x) {
		Tensor c = layers.allocate(x.rows(), x.cols());
		layers.compute().copy(x, c);
		return c;
	}
}
