package dev.atelier.compute.internal.cpu;

import java.lang.foreign.MemorySegment;

import dev.atelier.compute.TensorType;

/**
 * A matrix of {@code rows × cols} in its stored type (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), read in place:
 * quantised types dequantise inside {@link #dot}, a block at a time, never the whole matrix up front.
 */
interface Weights {

	int rows();

	int cols();

	/** Row {@code row} · {@code x} (length cols). */
	float dot(int row, float[] x);

	/**
	 * The values per activation scale that {@link #dot(int, Q8Activations, int)} wants (32 or 256); 0 where this matrix
	 * multiplies float activations only.
	 */
	default int activationBlock() {
		return 0;
	}

	/**
	 * Row {@code row} · activation row {@code t} of {@code x} (quantised in blocks of {@link #activationBlock()}), in
	 * integer arithmetic within each block; only where {@link Q8Activations#SUPPORTED}.
	 */
	default float dot(int row, Q8Activations x, int t) {
		throw new UnsupportedOperationException("this matrix multiplies float activations");
	}

	/** Row {@code row} as floats into {@code out} (length cols): embedding lookups, and the rows a batch shares. */
	void row(int row, float[] out);

	/** The matrix stored in {@code data} as {@code type}; IllegalArgumentException for I32 or data of the wrong size. */
	static Weights of(MemorySegment data, TensorType type, int rows, int cols) {
		return switch (type) {
		case F32 -> new F32Weights(data, rows, cols);
		case F16, BF16, Q8_0, Q4_0 -> new BlockWeights(data, type, rows, cols);
		case Q4_K, Q5_K, Q6_K -> new KQuantWeights(data, type, rows, cols);
		case I32 -> throw new IllegalArgumentException("I32 tensors hold ids and positions, not weights");
		};
	}
}
