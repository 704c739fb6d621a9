package dev.atelier.llm.internal.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.atelier.llm.gguf.GgmlType;

/**
 * Rows of a GGUF tensor in F16, BF16, Q8_0 or Q4_0, read in place: each dot product dequantises a block at a
 * time into the sum. Q8_0 blocks are an F16 scale and 32 signed bytes; Q4_0 blocks an F16 scale and 16 bytes
 * holding 32 four-bit values, low nibbles first, each stored as value + 8.
 */
public final class BlockWeights implements Weights {

	private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	private final MemorySegment data;
	private final GgmlType type;
	private final int rows;
	private final int cols;
	private final long rowBytes;

	public BlockWeights(MemorySegment data, GgmlType type, int rows, int cols) {
		if (type != GgmlType.F16 && type != GgmlType.BF16 && type != GgmlType.Q8_0 && type != GgmlType.Q4_0) {
			throw new IllegalArgumentException("tensor type " + type + " is not supported by the engine yet (F32, F16, BF16, Q8_0, Q4_0 are)");
		}
		this.data = data;
		this.type = type;
		this.rows = rows;
		this.cols = cols;
		this.rowBytes = type.bytes(cols);
		if (data.byteSize() < rowBytes * rows) {
			throw new IllegalArgumentException("a " + type + " matrix of " + rows + " × " + cols + " needs " + rowBytes * rows + " bytes");
		}
	}

	@Override
	public int rows() {
		return rows;
	}

	@Override
	public int cols() {
		return cols;
	}

	@Override
	public float dot(int row, float[] x) {
		long base = row * rowBytes;
		return switch (type) {
		case F16 -> {
			float sum = 0;
			for (int i = 0; i < cols; i++) {
				sum += Float.float16ToFloat(data.get(SHORT, base + 2L * i)) * x[i];
			}
			yield sum;
		}
		case BF16 -> {
			float sum = 0;
			for (int i = 0; i < cols; i++) {
				sum += Float.intBitsToFloat(data.get(SHORT, base + 2L * i) << 16) * x[i];
			}
			yield sum;
		}
		case Q8_0 -> {
			float sum = 0;
			for (int b = 0; b < cols / 32; b++) {
				long block = base + 34L * b;
				float scale = Float.float16ToFloat(data.get(SHORT, block));
				float partial = 0;
				for (int i = 0; i < 32; i++) {
					partial += data.get(ValueLayout.JAVA_BYTE, block + 2 + i) * x[32 * b + i];
				}
				sum += scale * partial;
			}
			yield sum;
		}
		default -> { // Q4_0
			float sum = 0;
			for (int b = 0; b < cols / 32; b++) {
				long block = base + 18L * b;
				float scale = Float.float16ToFloat(data.get(SHORT, block));
				float partial = 0;
				for (int i = 0; i < 16; i++) {
					int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + i) & 0xff;
					partial += ((packed & 0x0f) - 8) * x[32 * b + i] + ((packed >> 4) - 8) * x[32 * b + 16 + i];
				}
				sum += scale * partial;
			}
			yield sum;
		}
		};
	}

	@Override
	public void row(int row, float[] out) {
		long base = row * rowBytes;
		switch (type) {
		case F16 -> {
			for (int i = 0; i < cols; i++) {
				out[i] = Float.float16ToFloat(data.get(SHORT, base + 2L * i));
			}
		}
		case BF16 -> {
			for (int i = 0; i < cols; i++) {
				out[i] = Float.intBitsToFloat(data.get(SHORT, base + 2L * i) << 16);
			}
		}
		case Q8_0 -> {
			for (int b = 0; b < cols / 32; b++) {
				long block = base + 34L * b;
				float scale = Float.float16ToFloat(data.get(SHORT, block));
				for (int i = 0; i < 32; i++) {
					out[32 * b + i] = scale * data.get(ValueLayout.JAVA_BYTE, block + 2 + i);
				}
			}
		}
		default -> {
			for (int b = 0; b < cols / 32; b++) {
				long block = base + 18L * b;
				float scale = Float.float16ToFloat(data.get(SHORT, block));
				for (int i = 0; i < 16; i++) {
					int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + i) & 0xff;
					out[32 * b + i] = scale * ((packed & 0x0f) - 8);
					out[32 * b + 16 + i] = scale * ((packed >> 4) - 8);
				}
			}
		}
		}
	}
}
