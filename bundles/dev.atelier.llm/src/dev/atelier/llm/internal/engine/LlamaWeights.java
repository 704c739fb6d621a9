package dev.atelier.llm.internal.engine;

import java.util.List;

/** Everything a Llama forward pass reads; norms are small and kept as float arrays. */
public record LlamaWeights(Weights tokenEmbedding, List<Layer> layers, float[] finalNorm, Weights output) {

	/**
	 * One transformer block: attention (wq, wk, wv, wo) and the SwiGLU feed-forward (gate, down, up); bq, bk, bv are
	 * the biases added to the query, key and value projections (Qwen2), null where the model has none.
	 */
	public record Layer(float[] attentionNorm, Weights wq, Weights wk, Weights wv, Weights wo, float[] ffnNorm, Weights gate, Weights down,
			Weights up, float[] bq, float[] bk, float[] bv) {

		/** Without attention biases (Llama). */
		public Layer(float[] attentionNorm, Weights wq, Weights wk, Weights wv, Weights wo, float[] ffnNorm, Weights gate, Weights down,
				Weights up) {
			this(attentionNorm, wq, wk, wv, wo, ffnNorm, gate, down, up, null, null, null);
		}
	}
}
