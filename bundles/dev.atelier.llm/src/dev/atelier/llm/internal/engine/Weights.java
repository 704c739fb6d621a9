package dev.atelier.llm.internal.engine;

/**
 * A weight matrix of {@code rows × cols} in its stored format (F32, F16, BF16, Q8_0, Q4_0, …), read in place:
 * formats dequantise inside {@link #dot}, a block at a time, never the whole matrix up front.
 */
public interface Weights {

	int rows();

	int cols();

	/** Row {@code row} · {@code x} (length cols). */
	float dot(int row, float[] x);

	/** Row {@code row} as floats into {@code out} (length cols): embedding lookups. */
	void row(int row, float[] out);
}
