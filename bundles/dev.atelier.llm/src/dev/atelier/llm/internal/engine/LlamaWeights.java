package dev.atelier.llm.internal.engine;

import java.lang.foreign.MemorySegment;
import java.util.List;

import dev.atelier.compute.TensorType;

/** Everything a Llama forward pass reads: matrices as their file stores them, norms and biases as float arrays. */
public record LlamaWeights(Matrix tokenEmbedding, List<Layer> layers, float[] finalNorm, Matrix output) {

	/** A weight matrix of {@code rows × cols} in its file's type, its bytes read in place (a mapped file's segment). */
	public record Matrix(TensorType type, int rows, int cols, MemorySegment data) {

		public long bytes() {
			return data.byteSize();
		}
	}

	/**
	 * One transformer block: attention (wq, wk, wv, wo) and the SwiGLU feed-forward (gate, down, up); bq, bk, bv are
	 * the biases added to the query, key and value projections (Qwen2), null where the model has none.
	 */
	public record Layer(float[] attentionNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo, float[] ffnNorm, Matrix gate, Matrix down, Matrix up,
			float[] bq, float[] bk, float[] bv) {

		/** Without attention biases (Llama). */
		public Layer(float[] attentionNorm, Matrix wq, Matrix wk, Matrix wv, Matrix wo, float[] ffnNorm, Matrix gate, Matrix down, Matrix up) {
			this(attentionNorm, wq, wk, wv, wo, ffnNorm, gate, down, up, null, null, null);
		}

		List<Matrix> matrices() {
			return List.of(wq, wk, wv, wo, gate, down, up);
		}

		/** Bytes of its matrices, norms and biases. */
		long bytes() {
			long bytes = 4L * (attentionNorm.length + ffnNorm.length);
			for (Matrix m : matrices()) {
				bytes += m.bytes();
			}
			for (float[] bias : new float[][] { bq, bk, bv }) {
				bytes += bias == null ? 0 : 4L * bias.length;
			}
			return bytes;
		}
	}
}
