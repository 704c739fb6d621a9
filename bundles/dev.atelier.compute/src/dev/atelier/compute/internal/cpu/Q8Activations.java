package dev.atelier.compute.internal.cpu;

import jdk.incubator.vector.ShortVector;

/**
 * Rows of activations quantised to signed 8-bit values, as llama.cpp's Q8_0/Q8_K do: one scale per {@code block} values
 * (32 for Q8_0 and Q4_0 weights, 256 for the K-quants, whose sub-block scales then stay integers over a super-block),
 * {@code q = round(x / scale)} with {@code scale = max|x| / 127}, and the sum of the quantised values of every 32, which
 * the K-quants' mins multiply. Values are kept widened to 16 bits: the integer dot products multiply shorts (products
 * of at most 7 bits and a sign by 8 bits fit 16), then sum each int's two halves, sign-extended (what x86's pmaddwd
 * does, which the Vector API does not offer). The kernels keep that code inline in their loops: C2 leaves a helper
 * returning a vector uninlined at some call sites, and a vector that crosses a call is boxed on the heap.
 */
final class Q8Activations {

	/** Whether this machine's vectors hold a 32-value block as shorts (512 bits): the integer kernels' shape. */
	static final boolean SUPPORTED = ShortVector.SPECIES_PREFERRED.length() == 32;

	final int block;
	final int cols;
	short[] values = new short[0];
	/** The same values as bytes, for the native kernels. */
	byte[] bytes = new byte[0];
	float[] scales = new float[0];
	int[] sums = new int[0];

	Q8Activations(int block, int cols) {
		if (block != 32 && block != 256 || cols % block != 0) {
			throw new IllegalArgumentException("activations quantise in blocks of 32 or 256 values, not " + cols + " in blocks of " + block);
		}
		this.block = block;
		this.cols = cols;
	}

	/** Room for {@code rows} rows. */
	void reserve(int rows) {
		if (values.length < rows * cols) {
			values = new short[rows * cols];
			bytes = new byte[rows * cols];
			scales = new float[rows * cols / block];
			sums = new int[rows * cols / 32];
		}
	}

	/** Row {@code t} := {@code x} quantised. */
	void quantise(int t, float[] x) {
		for (int b = 0; b < cols / block; b++) {
			int from = t * cols + b * block;
			float max = 0;
			for (int i = 0; i < block; i++) {
				max = Math.max(max, Math.abs(x[b * block + i]));
			}
			float scale = max / 127;
			float inverse = max == 0 ? 0 : 127 / max;
			scales[from / block] = scale;
			for (int i = 0; i < block; i++) {
				values[from + i] = (short) Math.round(x[b * block + i] * inverse);
				bytes[from + i] = (byte) values[from + i];
			}
		}
		for (int s = 0; s < cols / 32; s++) {
			int sum = 0;
			for (int i = 0; i < 32; i++) {
				sum += values[t * cols + 32 * s + i];
			}
			sums[t * cols / 32 + s] = sum;
		}
	}

	/** Where row {@code t}'s values start. */
	int offset(int t) {
		return t * cols;
	}
}
