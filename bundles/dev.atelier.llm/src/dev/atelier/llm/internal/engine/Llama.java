package dev.atelier.llm.internal.engine;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Llama forward pass: RMSNorm, rotary positions on interleaved pairs (as llama2.c and llama.cpp's converted
 * weights have them), grouped-query attention over a key/value cache, and the SwiGLU feed-forward. A prompt runs
 * in batches of up to {@value #MAX_BATCH} tokens, so each weight row is read (and dequantised) once per batch
 * rather than once per token; decoding is the batch of one, on the fused dequantise-and-dot kernels. Rows of a
 * matrix are split among {@code threads} workers.
 */
public final class Llama {

	/** Tokens a prompt batch holds: enough to make prefill compute-bound, small enough for the activations (~3 MB at 1B). */
	static final int MAX_BATCH = 32;
	private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

	private final LlamaConfig config;
	private final LlamaWeights weights;
	private final int context;
	private final ForkJoinPool pool;
	private final int threads;
	// Activations per batch slot, reused.
	private final float[][] x;
	private final float[][] xb;
	private final float[][] xb2;
	private final float[][] hb;
	private final float[][] hb2;
	private final float[][] q;
	private final float[][] k;
	private final float[][] v;
	private final float[] att;
	private final float[] logits;
	/** The classifier's outputs per batch slot, made on first use by the all-positions forward. */
	private float[][] batchLogits;
	private final double[] ropeFrequencies;
	/** Per layer, context × kvDim keys and values. */
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
		x = new float[MAX_BATCH][dim];
		xb = new float[MAX_BATCH][dim];
		xb2 = new float[MAX_BATCH][dim];
		hb = new float[MAX_BATCH][config.hiddenDim()];
		hb2 = new float[MAX_BATCH][config.hiddenDim()];
		q = new float[MAX_BATCH][dim];
		k = new float[MAX_BATCH][config.kvDim()];
		v = new float[MAX_BATCH][config.kvDim()];
		att = new float[config.heads() * context];
		logits = new float[config.vocab()];
		ropeFrequencies = config.ropeFrequencies();
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
		return forward(new int[] { token }, pos);
	}

	/**
	 * Runs {@code tokens} at positions {@code start}, {@code start + 1}, … (in batches) and returns the logits after the
	 * last one; earlier positions must have run.
	 */
	public float[] forward(int[] tokens, int start) {
		check(tokens, start);
		for (int from = 0; from < tokens.length; from += MAX_BATCH) {
			batch(tokens, from, Math.min(MAX_BATCH, tokens.length - from), start + from);
		}
		int last = (tokens.length - 1) % MAX_BATCH;
		rmsnorm(x[last], x[last], weights.finalNorm());
		matmul(new float[][] { logits }, weights.output(), new float[][] { x[last] }, 1);
		return logits;
	}

	/** Receives the logits after one token of a sequence; the array is reused for the next. */
	@FunctionalInterface
	public interface LogitsSink {
		void accept(int index, float[] logits);
	}

	/**
	 * Runs {@code tokens} at positions {@code start}, {@code start + 1}, … as {@link #forward(int[], int)} does and
	 * hands {@code sink} the logits after each token from index {@code firstOutput} on, in order: what perplexity
	 * scores. The classifier runs batched over those tokens, like the layers.
	 */
	public void forward(int[] tokens, int start, int firstOutput, LogitsSink sink) {
		check(tokens, start);
		if (firstOutput < 0 || firstOutput >= tokens.length) {
			throw new IllegalArgumentException("output from index " + firstOutput + " of " + tokens.length + " tokens");
		}
		if (batchLogits == null) {
			batchLogits = new float[MAX_BATCH][config.vocab()];
		}
		for (int from = 0; from < tokens.length; from += MAX_BATCH) {
			int n = Math.min(MAX_BATCH, tokens.length - from);
			batch(tokens, from, n, start + from);
			int first = Math.max(0, firstOutput - from);
			if (first >= n) {
				continue;
			}
			float[][] normed = new float[n - first][];
			for (int t = first; t < n; t++) {
				rmsnorm(xb[t], x[t], weights.finalNorm());
				normed[t - first] = xb[t];
			}
			matmul(batchLogits, weights.output(), normed, n - first);
			for (int t = first; t < n; t++) {
				sink.accept(from + t, batchLogits[t - first]);
			}
		}
	}

	private void check(int[] tokens, int start) {
		for (int token : tokens) {
			if (token < 0 || token >= config.vocab()) {
				throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + config.vocab());
			}
		}
		if (start < 0 || tokens.length == 0 || start + tokens.length > context) {
			throw new IllegalArgumentException("positions " + start + " to " + (start + tokens.length - 1) + " are outside the context of " + context
					+ " tokens");
		}
	}

	private void batch(int[] tokens, int from, int n, int start) {
		int dim = config.dim();
		int kvDim = config.kvDim();
		for (int t = 0; t < n; t++) {
			weights.tokenEmbedding().row(tokens[from + t], x[t]);
		}
		for (int l = 0; l < config.layers(); l++) {
			LlamaWeights.Layer layer = weights.layers().get(l);
			for (int t = 0; t < n; t++) {
				rmsnorm(xb[t], x[t], layer.attentionNorm());
			}
			matmul(q, layer.wq(), xb, n);
			matmul(k, layer.wk(), xb, n);
			matmul(v, layer.wv(), xb, n);
			for (int t = 0; t < n; t++) {
				if (layer.bq() != null) { // Qwen2's biases come before the rotation
					add(q[t], layer.bq());
					add(k[t], layer.bk());
					add(v[t], layer.bv());
				}
				rope(q[t], dim, start + t);
				rope(k[t], kvDim, start + t);
				System.arraycopy(k[t], 0, keyCache[l], (start + t) * kvDim, kvDim);
				System.arraycopy(v[t], 0, valueCache[l], (start + t) * kvDim, kvDim);
			}
			for (int t = 0; t < n; t++) {
				attend(l, q[t], xb[t], start + t);
			}
			matmul(xb2, layer.wo(), xb, n);
			for (int t = 0; t < n; t++) {
				add(x[t], xb2[t]);
				rmsnorm(xb[t], x[t], layer.ffnNorm());
			}
			matmul(hb, layer.gate(), xb, n);
			matmul(hb2, layer.up(), xb, n);
			for (int t = 0; t < n; t++) {
				float[] g = hb[t];
				float[] u = hb2[t];
				for (int i = 0; i < g.length; i++) {
					g[i] = g[i] / (1f + (float) Math.exp(-g[i])) * u[i]; // SiLU(gate) · up
				}
			}
			matmul(xb, layer.down(), hb, n);
			for (int t = 0; t < n; t++) {
				add(x[t], xb[t]);
			}
		}
	}

	/** One token's attention at {@code pos} over positions 0…pos of layer {@code l}'s cache, heads in parallel. */
	private void attend(int l, float[] query, float[] out, int pos) {
		int headSize = config.headSize();
		int kvDim = config.kvDim();
		int kvMul = config.heads() / config.kvHeads();
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
					score += query[qo + i] * keys[kt + i];
				}
				att[ao + t] = score * scale;
			}
			softmax(att, ao, pos + 1);
			Arrays.fill(out, qo, qo + headSize, 0f);
			for (int t = 0; t <= pos; t++) {
				float a = att[ao + t];
				int vt = t * kvDim + ko;
				for (int i = 0; i < headSize; i++) {
					out[qo + i] += a * values[vt + i];
				}
			}
		});
	}

	private static void add(float[] into, float[] delta) {
		for (int i = 0; i < into.length; i++) {
			into[i] += delta[i];
		}
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

	/** Rotates each pair j within each head by pos × frequency j: (2j, 2j+1), or (j, j + headSize/2) for NeoX order. */
	private void rope(float[] vec, int length, int pos) {
		int headSize = config.headSize();
		int pairs = ropeFrequencies.length;
		for (int j = 0; j < pairs; j++) {
			float cos = (float) Math.cos(pos * ropeFrequencies[j]);
			float sin = (float) Math.sin(pos * ropeFrequencies[j]);
			int first = config.ropeNeox() ? j : 2 * j;
			int second = config.ropeNeox() ? pairs : 1;
			for (int i = first; i < length; i += headSize) {
				float a = vec[i];
				float b = vec[i + second];
				vec[i] = a * cos - b * sin;
				vec[i + second] = a * sin + b * cos;
			}
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

	/**
	 * out[t] = W · in[t] for the first n slots. One token uses the fused kernels; a batch dequantises each row once
	 * into a buffer and takes its float dot product with every token.
	 */
	private void matmul(float[][] out, Weights w, float[][] in, int n) {
		int rows = w.rows();
		java.util.function.IntConsumer chunkWork = chunk -> {
			int chunks = chunkCount(rows, n);
			int from = chunk * rows / chunks;
			int to = (chunk + 1) * rows / chunks;
			if (n == 1) {
				for (int r = from; r < to; r++) {
					out[0][r] = w.dot(r, in[0]);
				}
				return;
			}
			int cols = w.cols();
			float[] row0 = new float[cols];
			float[] row1 = new float[cols];
			int r = from;
			for (; r + 1 < to; r += 2) { // two rows against four tokens at a time: 6 loads for 8 multiply-adds
				w.row(r, row0);
				w.row(r + 1, row1);
				int t = 0;
				for (; t + 3 < n; t += 4) {
					dot2x4(row0, row1, in[t], in[t + 1], in[t + 2], in[t + 3], out, r, t);
				}
				for (; t < n; t++) {
					out[t][r] = dot(row0, in[t]);
					out[t][r + 1] = dot(row1, in[t]);
				}
			}
			for (; r < to; r++) {
				w.row(r, row0);
				for (int t = 0; t < n; t++) {
					out[t][r] = dot(row0, in[t]);
				}
			}
		};
		int chunks = chunkCount(rows, n);
		if (chunks == 1) {
			chunkWork.accept(0);
			return;
		}
		pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(chunkWork)).join();
	}

	private int chunkCount(int rows, int n) {
		return pool == null || (long) rows * n * 64 < 1 << 16 ? 1 : Math.min(rows, threads * 4);
	}

	/** out[t..t+3][r..r+1]: the dot products of two rows with four vectors, each loaded once. */
	private static void dot2x4(float[] a0, float[] a1, float[] x0, float[] x1, float[] x2, float[] x3, float[][] out, int r, int t) {
		FloatVector s00 = FloatVector.zero(F), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
		int i = 0;
		for (int end = F.loopBound(a0.length); i < end; i += F.length()) {
			FloatVector w0 = FloatVector.fromArray(F, a0, i);
			FloatVector w1 = FloatVector.fromArray(F, a1, i);
			FloatVector v = FloatVector.fromArray(F, x0, i);
			s00 = w0.fma(v, s00);
			s10 = w1.fma(v, s10);
			v = FloatVector.fromArray(F, x1, i);
			s01 = w0.fma(v, s01);
			s11 = w1.fma(v, s11);
			v = FloatVector.fromArray(F, x2, i);
			s02 = w0.fma(v, s02);
			s12 = w1.fma(v, s12);
			v = FloatVector.fromArray(F, x3, i);
			s03 = w0.fma(v, s03);
			s13 = w1.fma(v, s13);
		}
		float[] sums = { s00.reduceLanes(VectorOperators.ADD), s01.reduceLanes(VectorOperators.ADD), s02.reduceLanes(VectorOperators.ADD),
				s03.reduceLanes(VectorOperators.ADD), s10.reduceLanes(VectorOperators.ADD), s11.reduceLanes(VectorOperators.ADD),
				s12.reduceLanes(VectorOperators.ADD), s13.reduceLanes(VectorOperators.ADD) };
		float[][] xs = { x0, x1, x2, x3 };
		for (; i < a0.length; i++) {
			for (int j = 0; j < 4; j++) {
				sums[j] += a0[i] * xs[j][i];
				sums[4 + j] += a1[i] * xs[j][i];
			}
		}
		for (int j = 0; j < 4; j++) {
			out[t + j][r] = sums[j];
			out[t + j][r + 1] = sums[4 + j];
		}
	}

	private static float dot(float[] a, float[] b) {
		FloatVector acc = FloatVector.zero(F);
		int i = 0;
		for (int end = F.loopBound(a.length); i < end; i += F.length()) {
			acc = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, b, i), acc);
		}
		float sum = acc.reduceLanes(VectorOperators.ADD);
		for (; i < a.length; i++) {
			sum += a[i] * b[i];
		}
		return sum;
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
