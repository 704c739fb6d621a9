package dev.atelier.llm.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufWriter;

/**
 * Random weights of a tiny Llama, held as llama2.c's run.c holds them (row-major, output rows first, all layers of
 * one kind together), written as a llama2.c checkpoint or as an F32 GGUF with the tiny vocabulary, and run by a
 * transliteration of run.c's forward pass (scalar, double sums) that stands in for llama2.c as the reference. Every
 * weight, norms included, is distinct, so a tensor read from the wrong place changes the logits.
 */
final class TinyLlama {

	static final int DIM = 40;
	static final int HIDDEN = 72;
	static final int LAYERS = 2;
	static final int HEADS = 4;
	static final int KV_HEADS = 2;
	static final int SEQ_LEN = 48;
	static final int HEAD_SIZE = DIM / HEADS;
	static final int KV_DIM = KV_HEADS * HEAD_SIZE;
	static final int VOCAB = TinyVocab.TOKENS.size();

	/** Whether the classifier is the embedding (llama2.c writes a positive vocab_size then) or a matrix of its own. */
	final boolean shared;
	final float[] embedding;
	final float[] attNorm;
	final float[] wq;
	final float[] wk;
	final float[] wv;
	final float[] wo;
	final float[] ffnNorm;
	final float[] w1;
	final float[] w2;
	final float[] w3;
	final float[] finalNorm;
	final float[] classifier;

	TinyLlama(boolean shared, long seed) {
		this.shared = shared;
		Random r = new Random(seed);
		embedding = gaussian(r, VOCAB * DIM, 25); // small beside what the layers add: a shared classifier would otherwise echo the input token
		attNorm = norm(r, LAYERS * DIM);
		wq = gaussian(r, LAYERS * DIM * DIM, DIM);
		wk = gaussian(r, LAYERS * KV_DIM * DIM, DIM);
		wv = gaussian(r, LAYERS * KV_DIM * DIM, DIM);
		wo = gaussian(r, LAYERS * DIM * DIM, DIM);
		ffnNorm = norm(r, LAYERS * DIM);
		w1 = gaussian(r, LAYERS * HIDDEN * DIM, DIM);
		w2 = gaussian(r, LAYERS * DIM * HIDDEN, HIDDEN);
		w3 = gaussian(r, LAYERS * HIDDEN * DIM, DIM);
		finalNorm = norm(r, DIM);
		classifier = shared ? embedding : gaussian(r, VOCAB * DIM, 1);
	}

	/** Values of variance 1 / fanIn, so that activations stay near 1 and the logits have clear winners. */
	private static float[] gaussian(Random r, int n, int fanIn) {
		float[] out = new float[n];
		double sigma = 1 / Math.sqrt(fanIn);
		for (int i = 0; i < n; i++) {
			out[i] = (float) (r.nextGaussian() * sigma);
		}
		return out;
	}

	private static float[] norm(Random r, int n) {
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			out[i] = (float) (1 + 0.3 * r.nextGaussian());
		}
		return out;
	}

	/** The bytes a llama2.c checkpoint of this shape takes: the 28-byte header and run.c's arrays. */
	long checkpointBytes() {
		return 28 + 4L * (VOCAB * DIM + LAYERS * (2 * DIM + 2 * DIM * DIM + 2 * KV_DIM * DIM + 3 * DIM * HIDDEN) + DIM + SEQ_LEN * HEAD_SIZE
				+ (shared ? 0 : VOCAB * DIM));
	}

	/**
	 * run.c's legacy format. The RoPE tables it no longer reads are written as NaN, so a reader that took them for
	 * weights would produce NaN logits.
	 */
	Path writeLlama2c(Path file) throws IOException {
		try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
			ByteBuffer header = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
			for (int v : new int[] { DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, shared ? VOCAB : -VOCAB, SEQ_LEN }) {
				header.putInt(v);
			}
			out.write(header.array());
			for (float[] a : new float[][] { embedding, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, finalNorm }) {
				out.write(bytes(a));
			}
			float[] rope = new float[SEQ_LEN * HEAD_SIZE];
			Arrays.fill(rope, Float.NaN);
			out.write(bytes(rope));
			if (!shared) {
				out.write(bytes(classifier));
			}
		}
		return file;
	}

	/** The same weights as a Llama GGUF in F32 with the tiny vocabulary's tokenizer (no output.weight where shared, as llama.cpp does). */
	Path writeGguf(Path file) throws IOException {
		return writeGguf(file, "llama", wq, wk, null);
	}

	/**
	 * The weights as a GGUF of architecture {@code arch} ({@code arch.*} metadata), with {@code wq} and {@code wk} in
	 * place of this model's and, where {@code biases} is not null, {@code blk.N.attn_q/k/v.bias} from its Q, K and V
	 * arrays (all layers together, as the weights are).
	 */
	Path writeGguf(Path file, String arch, float[] wq, float[] wk, float[][] biases) throws IOException {
		String a = arch + ".";
		GgufWriter w = TinyVocab.tokenizer(new GgufWriter().put("general.architecture", arch)).put(a + "embedding_length", DIM)
				.put(a + "feed_forward_length", HIDDEN).put(a + "block_count", LAYERS).put(a + "attention.head_count", HEADS)
				.put(a + "attention.head_count_kv", KV_HEADS).put(a + "context_length", SEQ_LEN)
				.put(a + "attention.layer_norm_rms_epsilon", 1e-5f).put(a + "rope.freq_base", 10_000f);
		matrix(w, "token_embd.weight", embedding, 0, VOCAB, DIM);
		if (!shared) {
			matrix(w, "output.weight", classifier, 0, VOCAB, DIM);
		}
		matrix(w, "output_norm.weight", finalNorm, 0, 1, DIM);
		for (int l = 0; l < LAYERS; l++) {
			String p = "blk." + l + ".";
			matrix(w, p + "attn_norm.weight", attNorm, l, 1, DIM);
			matrix(w, p + "attn_q.weight", wq, l, DIM, DIM);
			matrix(w, p + "attn_k.weight", wk, l, KV_DIM, DIM);
			matrix(w, p + "attn_v.weight", wv, l, KV_DIM, DIM);
			if (biases != null) {
				matrix(w, p + "attn_q.bias", biases[0], l, 1, DIM);
				matrix(w, p + "attn_k.bias", biases[1], l, 1, KV_DIM);
				matrix(w, p + "attn_v.bias", biases[2], l, 1, KV_DIM);
			}
			matrix(w, p + "attn_output.weight", wo, l, DIM, DIM);
			matrix(w, p + "ffn_norm.weight", ffnNorm, l, 1, DIM);
			matrix(w, p + "ffn_gate.weight", w1, l, HIDDEN, DIM);
			matrix(w, p + "ffn_down.weight", w2, l, DIM, HIDDEN);
			matrix(w, p + "ffn_up.weight", w3, l, HIDDEN, DIM);
		}
		w.write(file);
		return file;
	}

	/** Layer {@code layer}'s rows × cols block of {@code all}; a vector (one row) is written 1-D. */
	private static void matrix(GgufWriter w, String name, float[] all, int layer, int rows, int cols) {
		float[] part = Arrays.copyOfRange(all, layer * rows * cols, (layer + 1) * rows * cols);
		w.tensor(name, GgmlType.F32, rows == 1 ? new long[] { cols } : new long[] { cols, rows }, bytes(part));
	}

	private static byte[] bytes(float[] values) {
		ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		for (float v : values) {
			b.putFloat(v);
		}
		return b.array();
	}

	/**
	 * run.c's forward pass, one token at a time, with its key/value cache (in half precision); extended for Qwen2 with biases on Q, K and V
	 * and rotary pairs (i, i + HEAD_SIZE / 2) as Hugging Face's rotate_half has them.
	 */
	final class Reference {
		private final double[][] keys = new double[LAYERS][SEQ_LEN * KV_DIM];
		private final double[][] values = new double[LAYERS][SEQ_LEN * KV_DIM];
		private final float[][] biases;
		private final boolean neox;

		/** run.c's: no biases, interleaved pairs. */
		Reference() {
			this(null, false);
		}

		/** With {@code biases} (Q, K, V arrays of all layers; null for none) and NeoX-order pairs where {@code neox}. */
		Reference(float[][] biases, boolean neox) {
			this.biases = biases;
			this.neox = neox;
		}

		double[] forward(int token, int pos) {
			double[] x = new double[DIM];
			for (int i = 0; i < DIM; i++) {
				x[i] = embedding[token * DIM + i];
			}
			for (int l = 0; l < LAYERS; l++) {
				double[] xb = rmsnorm(x, attNorm, l * DIM);
				double[] q = matmul(wq, l * DIM * DIM, xb, DIM);
				double[] k = matmul(wk, l * KV_DIM * DIM, xb, KV_DIM);
				double[] v = matmul(wv, l * KV_DIM * DIM, xb, KV_DIM);
				if (biases != null) {
					for (int i = 0; i < DIM; i++) {
						q[i] += biases[0][l * DIM + i];
					}
					for (int i = 0; i < KV_DIM; i++) {
						k[i] += biases[1][l * KV_DIM + i];
						v[i] += biases[2][l * KV_DIM + i];
					}
				}
				for (int i = 0; neox && i < DIM; i++) {
					int j = i % HEAD_SIZE;
					if (j >= HEAD_SIZE / 2) {
						continue;
					}
					double freq = 1.0 / Math.pow(10_000.0, 2.0 * j / HEAD_SIZE);
					double cos = Math.cos(pos * freq);
					double sin = Math.sin(pos * freq);
					for (double[] vec : i < KV_DIM ? new double[][] { q, k } : new double[][] { q }) {
						double a = vec[i];
						double b = vec[i + HEAD_SIZE / 2];
						vec[i] = a * cos - b * sin;
						vec[i + HEAD_SIZE / 2] = a * sin + b * cos;
					}
				}
				for (int i = 0; !neox && i < DIM; i += 2) {
					double freq = 1.0 / Math.pow(10_000.0, (double) (i % HEAD_SIZE) / HEAD_SIZE);
					double cos = Math.cos(pos * freq);
					double sin = Math.sin(pos * freq);
					for (double[] vec : i < KV_DIM ? new double[][] { q, k } : new double[][] { q }) {
						double a = vec[i];
						double b = vec[i + 1];
						vec[i] = a * cos - b * sin;
						vec[i + 1] = a * sin + b * cos;
					}
				}
				for (int i = 0; i < KV_DIM; i++) { // the cache holds half precision, as the engine's and llama.cpp's F16 cache do
					keys[l][pos * KV_DIM + i] = Float.float16ToFloat(Float.floatToFloat16((float) k[i]));
					values[l][pos * KV_DIM + i] = Float.float16ToFloat(Float.floatToFloat16((float) v[i]));
				}
				double[] attended = new double[DIM];
				for (int h = 0; h < HEADS; h++) {
					int kvOffset = h / (HEADS / KV_HEADS) * HEAD_SIZE;
					double[] att = new double[pos + 1];
					double max = Double.NEGATIVE_INFINITY;
					for (int t = 0; t <= pos; t++) {
						double score = 0;
						for (int i = 0; i < HEAD_SIZE; i++) {
							score += q[h * HEAD_SIZE + i] * keys[l][t * KV_DIM + kvOffset + i];
						}
						att[t] = score / Math.sqrt(HEAD_SIZE);
						max = Math.max(max, att[t]);
					}
					double sum = 0;
					for (int t = 0; t <= pos; t++) {
						att[t] = Math.exp(att[t] - max);
						sum += att[t];
					}
					for (int t = 0; t <= pos; t++) {
						for (int i = 0; i < HEAD_SIZE; i++) {
							attended[h * HEAD_SIZE + i] += att[t] / sum * values[l][t * KV_DIM + kvOffset + i];
						}
					}
				}
				add(x, matmul(wo, l * DIM * DIM, attended, DIM));
				xb = rmsnorm(x, ffnNorm, l * DIM);
				double[] gate = matmul(w1, l * HIDDEN * DIM, xb, HIDDEN);
				double[] up = matmul(w3, l * HIDDEN * DIM, xb, HIDDEN);
				for (int i = 0; i < HIDDEN; i++) {
					gate[i] = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
				}
				add(x, matmul(w2, l * DIM * HIDDEN, gate, DIM));
			}
			return matmul(classifier, 0, rmsnorm(x, finalNorm, 0), VOCAB);
		}

		private static double[] rmsnorm(double[] x, float[] weight, int offset) {
			double ss = 0;
			for (double v : x) {
				ss += v * v;
			}
			double inv = 1 / Math.sqrt(ss / x.length + 1e-5);
			double[] out = new double[x.length];
			for (int i = 0; i < x.length; i++) {
				out[i] = weight[offset + i] * x[i] * inv;
			}
			return out;
		}

		/** rows × x.length matrix at {@code offset} times x. */
		private static double[] matmul(float[] w, int offset, double[] x, int rows) {
			double[] out = new double[rows];
			for (int r = 0; r < rows; r++) {
				for (int c = 0; c < x.length; c++) {
					out[r] += w[offset + r * x.length + c] * x[c];
				}
			}
			return out;
		}

		private static void add(double[] into, double[] delta) {
			for (int i = 0; i < into.length; i++) {
				into[i] += delta[i];
			}
		}
	}
}
