package dev.atelier.llm.internal.engine;

/**
 * The shape of a Llama-architecture model.
 *
 * @param ropeTheta base of the rotary frequencies (10,000 for Llama 2, 500,000 for Llama 3)
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int contextLength, float normEps,
		float ropeTheta) {

	public LlamaConfig {
		if (dim <= 0 || hiddenDim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || contextLength <= 0) {
			throw new IllegalArgumentException("model dimensions must be positive: " + this);
		}
		if (dim % heads != 0 || heads % kvHeads != 0) {
			throw new IllegalArgumentException("dim " + dim + " must divide into " + heads + " heads, and the heads into " + kvHeads + " key/value heads");
		}
	}

	public int headSize() {
		return dim / heads;
	}

	public int kvDim() {
		return kvHeads * headSize();
	}
}
