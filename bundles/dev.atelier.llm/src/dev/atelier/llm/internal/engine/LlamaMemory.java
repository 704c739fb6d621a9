package dev.atelier.llm.internal.engine;

import dev.atelier.llm.internal.gguf.GgufFile;

/**
 * The memory a Llama model takes on its device: one formula for the lease the engine holds and the planner's
 * {@code llm:} estimate, so that the two agree.
 *
 * @param weights     every tensor in its file type (quantised blocks as stored, norms in F32)
 * @param kvCache     the F16 key/value cache: 2 (K and V) × layers × context × kvDim × 2 bytes
 * @param activations F32 activations of a prefill batch of {@link #batch()} tokens: per token the residual and
 *                    its normed copies (4 × dim with the query), keys and values (2 × kvDim), the feed-forward's
 *                    two hidden rows (2 × hidden), the logits (vocab) and the attention scores (heads × context)
 */
public record LlamaMemory(long weights, long kvCache, long activations) {

	public long total() {
		return weights + kvCache + activations;
	}

	/** Tokens a prefill batch holds: the engine's. */
	public static int batch() {
		return Llama.MAX_BATCH;
	}

	public static long kvCache(int layers, int context, int kvDim) {
		return 2L * layers * context * kvDim * 2;
	}

	public static long activations(int dim, int hidden, int kvDim, int heads, int vocab, int context) {
		return (long) batch() * (4L * dim + 2L * kvDim + 2L * hidden + vocab + (long) heads * context) * Float.BYTES;
	}

	/** For a model of this shape with {@code weightBytes} of tensors, at {@code context} positions. */
	public static LlamaMemory of(LlamaConfig c, long weightBytes, int context) {
		return new LlamaMemory(weightBytes, kvCache(c.layers(), context, c.kvDim()),
				activations(c.dim(), c.hiddenDim(), c.kvDim(), c.heads(), c.vocab(), context));
	}

	/** The bytes of every tensor of a GGUF file, as stored. */
	public static long weightBytes(GgufFile gguf) {
		return gguf.tensors().values().stream().mapToLong(t -> t.data().byteSize()).sum();
	}

	/** The positions a model's cache holds when at most {@code maxContext} are asked for: as the engine sizes it. */
	public static int context(LlamaConfig c, int maxContext) {
		return Math.max(1, Math.min(maxContext, c.contextLength()));
	}
}
