package dev.atelier.compute;

/**
 * Element types of {@link Tensor}s: plain numbers and ggml's block-quantised weight formats, laid out exactly as in a
 * GGUF file (a row of a quantised matrix is {@code cols / blockSize} blocks of {@code blockBytes}), so that weights
 * go from a mapped file to the device unchanged and kernels read them in that type.
 */
public enum TensorType {
	F32(1, 4), F16(1, 2), BF16(1, 2), I32(1, 4),
	/** 32 values: an F16 scale and 32 signed bytes. */
	Q8_0(32, 34),
	/** 32 values: an F16 scale and 16 bytes of 4-bit values offset by 8. */
	Q4_0(32, 18),
	/** 256 values: F16 d and dmin, 12 bytes of 6-bit sub-block scales and mins, 128 bytes of 4-bit values. */
	Q4_K(256, 144),
	/** As Q4_K plus 32 bytes of the values' fifth bits. */
	Q5_K(256, 176),
	/** 256 values: 128 bytes of low 4 bits, 64 of high 2 bits, 16 signed 8-bit sub-block scales, an F16 d. */
	Q6_K(256, 210);

	private final int blockSize;
	private final int blockBytes;

	TensorType(int blockSize, int blockBytes) {
		this.blockSize = blockSize;
		this.blockBytes = blockBytes;
	}

	/** Values per block (1 for plain types). */
	public int blockSize() {
		return blockSize;
	}

	public int blockBytes() {
		return blockBytes;
	}

	public boolean quantised() {
		return blockSize > 1;
	}

	/** Bytes of a row of {@code cols} values; throws when {@code cols} is not a whole number of blocks. */
	public long rowBytes(long cols) {
		if (cols % blockSize != 0) {
			throw new IllegalArgumentException(name() + " rows hold whole blocks of " + blockSize + " values; " + cols + " is not a multiple");
		}
		return cols / blockSize * blockBytes;
	}
}
