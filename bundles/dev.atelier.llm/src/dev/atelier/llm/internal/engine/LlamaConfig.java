package dev.atelier.llm.internal.engine;

/**
 * The shape of a Llama-architecture model.
 *
 * @param ropeTheta   base of the rotary frequencies (10,000 for Llama 2, 500,000 for Llama 3)
 * @param ropeScale   frequencies are multiplied by it: 1 / factor for linear position scaling, 1 for none
 * @param ropeFactors per rotary pair (headSize / 2), frequencies are divided by it (Llama 3.1's rope_freqs); null for none
 * @param ropeNeox    pairs (j, j + headSize / 2) rotate, as GPT-NeoX and Qwen2 GGUFs have them (llama.cpp's converter
 *                    permutes only Llama's Q and K into interleaved pairs); false for interleaved pairs (2j, 2j + 1)
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int contextLength, float normEps,
		float ropeTheta, float ropeScale, float[] ropeFactors, boolean ropeNeox) {

	/** With interleaved rotary pairs. */
	public LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int contextLength, float normEps, float ropeTheta,
			float ropeScale, float[] ropeFactors) {
		this(dim, hiddenDim, layers, heads, kvHeads, vocab, contextLength, normEps, ropeTheta, ropeScale, ropeFactors, false);
	}

	/** Without rotary scaling. */
	public LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int vocab, int contextLength, float normEps, float ropeTheta) {
		this(dim, hiddenDim, layers, heads, kvHeads, vocab, contextLength, normEps, ropeTheta, 1f, null, false);
	}

	public LlamaConfig {
		if (dim <= 0 || hiddenDim <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || contextLength <= 0) {
			throw new IllegalArgumentException("model dimensions must be positive: " + this);
		}
		if (dim % heads != 0 || heads % kvHeads != 0) {
			throw new IllegalArgumentException("dim " + dim + " must divide into " + heads + " heads, and the heads into " + kvHeads + " key/value heads");
		}
		if (ropeFactors != null && ropeFactors.length != dim / heads / 2) {
			throw new IllegalArgumentException("rope_freqs has " + ropeFactors.length + " factors; a head of " + dim / heads + " needs " + dim / heads / 2);
		}
	}

	public int headSize() {
		return dim / heads;
	}

	public int kvDim() {
		return kvHeads * headSize();
	}

	/** The rotary frequency of each pair of a head: θ^(−2j / headSize) × scale / factor j. */
	public double[] ropeFrequencies() {
		int pairs = headSize() / 2;
		double[] freq = new double[pairs];
		for (int j = 0; j < pairs; j++) {
			freq[j] = Math.pow(ropeTheta, -2.0 * j / headSize()) * ropeScale / (ropeFactors == null ? 1 : ropeFactors[j]);
		}
		return freq;
	}
}
