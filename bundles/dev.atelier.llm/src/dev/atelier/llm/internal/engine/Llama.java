package dev.atelier.llm.internal.engine;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The Llama forward pass for one token at a time: RMSNorm, rotary positions on interleaved pairs (as llama2.c and
 * llama.cpp's converted weights have them), grouped-query attention over a key/value cache, and the SwiGLU
 * feed-forward. Matrix-vector products run on a pool of {@code threads}, rows split among them.
 */
public final class Llama {

	private final LlamaConfig config;
	private final LlamaWeights weights;
	private final int context;
	private final ForkJoinPool pool;
	private final int threads;
	// Activations, reused for every token.
	private final float[] x;
	private final float[] xb;
	private final float[] xb2;
	private final float[] hb;
	private final float[] hb2;
	private final float[] q;
	private final float[] k;
	private final float[] v;
	private final float[] att;
	private final float[] logits;
	/** Per layer, contextLength × kvDim keys and values. */
	private final double[] ropeFrequencies;
	private final float[] ropeCos;
	private final float[] ropeSin;
	private final float[][] keyCache;
	private final float[][] valueCache;

	public Llama(LlamaConfig config, LlamaWeights weights, int threads) {
		this(config, weights, threads, config.contextLength());
	}

	/** With the key/value cache for at most {@code maxContext} positions (a model may allow far more than memory does). */
	public Llama(LlamaConfig config, LlamaWeights weights, int threads, int maxContext) {
		this.config = config;
		this.context = Math.max(1, Math.min(maxContext, config.contextLength()));
		this.weights = weights;
		this.threads = Math.max(1, threads);
		this.pool = this.threads == 1 ? null : new ForkJoinPool(this.threads);
		int dim = config.dim();
		x = new float[dim];
		xb = new float[dim];
		xb2 = new float[dim];
		hb = new float[config.hiddenDim()];
		hb2 = new float[config.hiddenDim()];
		q = new float[dim];
		k = new float[config.kvDim()];
		v = new float[config.kvDim()];
		att = new float[config.heads() * context];
		logits = new float[config.vocab()];
		ropeFrequencies = config.ropeFrequencies();
		ropeCos = new float[ropeFrequencies.length];
		ropeSin = new float[ropeFrequencies.length];
		if ((long) context * config.kvDim() > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("a key/value cache of " + context + " positions × " + config.kvDim() + " is too large; limit the context");
		}
		keyCache = new float[config.layers()][context * config.kvDim()];
		valueCache = new float[config.layers()][keyCache[0].length];
	}

	public LlamaConfig config() {
		return config;
	}

	/** Positions the key/value cache holds. */
	public int contextLength() {
		return context;
	}

	/** The logits of the token after {@code token} at position {@code pos} (0-based); earlier positions must have run. */
	public float[] forward(int token, int pos) {
		if (token < 0 || token >= config.vocab()) {
			throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + config.vocab());
		}
		if (pos < 0 || pos >= context) {
			throw new IllegalArgumentException("position " + pos + " is outside the context of " + context + " tokens");
		}
		int dim = config.dim();
		int kvDim = config.kvDim();
		int headSize = config.headSize();
		int kvMul = config.heads() / config.kvHeads();
		weights.tokenEmbedding().row(token, x);
		for (int j = 0; j < ropeFrequencies.length; j++) { // the same angles for every head and layer at this position
			ropeCos[j] = (float) Math.cos(pos * ropeFrequencies[j]);
			ropeSin[j] = (float) Math.sin(pos * ropeFrequencies[j]);
		}
		for (int l = 0; l < config.layers(); l++) {
			LlamaWeights.Layer layer = weights.layers().get(l);
			rmsnorm(xb, x, layer.attentionNorm());
			matmul(q, layer.wq(), xb);
			matmul(k, layer.wk(), xb);
			matmul(v, layer.wv(), xb);
			rope(q, dim);
			rope(k, kvDim);
			System.arraycopy(k, 0, keyCache[l], pos * kvDim, kvDim);
			System.arraycopy(v, 0, valueCache[l], pos * kvDim, kvDim);
			float[] keys = keyCache[l];
			float[] values = valueCache[l];
			float scale = (float) (1.0 / Math.sqrt(headSize));
			heads(pos, h -> {
				int qo = h * headSize;
				int ko = (h / kvMul) * headSize;
				int ao = h * context;
				for (int t = 0; t <= pos; t++) {
					float score = 0;
					int kt = t * kvDim + ko;
					for (int i = 0; i < headSize; i++) {
						score += q[qo + i] * keys[kt + i];
					}
					att[ao + t] = score * scale;
				}
				softmax(att, ao, pos + 1);
				java.util.Arrays.fill(xb, qo, qo + headSize, 0f);
				for (int t = 0; t <= pos; t++) {
					float a = att[ao + t];
					int vt = t * kvDim + ko;
					for (int i = 0; i < headSize; i++) {
						xb[qo + i] += a * values[vt + i];
					}
				}
			});
			matmul(xb2, layer.wo(), xb);
			for (int i = 0; i < dim; i++) {
				x[i] += xb2[i];
			}
			rmsnorm(xb, x, layer.ffnNorm());
			matmul(hb, layer.gate(), xb);
			matmul(hb2, layer.up(), xb);
			for (int i = 0; i < hb.length; i++) {
				float g = hb[i];
				hb[i] = g / (1f + (float) Math.exp(-g)) * hb2[i]; // SiLU(gate) · up
			}
			matmul(xb, layer.down(), hb);
			for (int i = 0; i < dim; i++) {
				x[i] += xb[i];
			}
		}
		rmsnorm(x, x, weights.finalNorm());
		matmul(logits, weights.output(), x);
		return logits;
	}

	private void rmsnorm(float[] out, float[] in, float[] weight) {
		double ss = 0;
		for (float value : in) {
			ss += value * value;
		}
		float inv = (float) (1.0 / Math.sqrt(ss / in.length + config.normEps()));
		for (int i = 0; i < in.length; i++) {
			out[i] = weight[i] * (in[i] * inv);
		}
	}

	/** Rotates each pair (2j, 2j+1) within each head by this position's angle for j. */
	private void rope(float[] vec, int length) {
		int headSize = config.headSize();
		for (int i = 0; i < length; i += 2) {
			int j = (i % headSize) / 2;
			float a = vec[i];
			float b = vec[i + 1];
			vec[i] = a * ropeCos[j] - b * ropeSin[j];
			vec[i + 1] = a * ropeSin[j] + b * ropeCos[j];
		}
	}

	private static void softmax(float[] values, int offset, int size) {
		float max = Float.NEGATIVE_INFINITY;
		for (int i = 0; i < size; i++) {
			max = Math.max(max, values[offset + i]);
		}
		float sum = 0;
		for (int i = 0; i < size; i++) {
			float e = (float) Math.exp(values[offset + i] - max);
			values[offset + i] = e;
			sum += e;
		}
		for (int i = 0; i < size; i++) {
			values[offset + i] /= sum;
		}
	}

	/** out = W · in, rows split among the threads when the matrix is large enough to pay for it. */
	private void matmul(float[] out, Weights w, float[] in) {
		int rows = w.rows();
		if (pool == null || (long) rows * w.cols() < 1 << 16) {
			for (int r = 0; r < rows; r++) {
				out[r] = w.dot(r, in);
			}
			return;
		}
		int chunks = threads * 4;
		pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(c -> {
			for (int r = c * rows / chunks, end = (c + 1) * rows / chunks; r < end; r++) {
				out[r] = w.dot(r, in);
			}
		})).join();
	}

	private void heads(int pos, java.util.function.IntConsumer perHead) {
		if (pool == null || (long) (pos + 1) * config.dim() < 1 << 16) {
			for (int h = 0; h < config.heads(); h++) {
				perHead.accept(h);
			}
			return;
		}
		pool.submit(() -> IntStream.range(0, config.heads()).parallel().forEach(perHead)).join();
	}

	/** Stops the worker threads. */
	public void close() {
		if (pool != null) {
			pool.shutdownNow();
		}
	}
}
