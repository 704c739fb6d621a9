package dev.atelier.compute.internal.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import dev.atelier.compute.TensorType;

/**
 * Random matrices in every weight type, and a plain scalar decoder of each layout written from ggml's block
 * descriptions (ggml-common.h), independent of the backend's kernels: the reference the tests compare with.
 */
final class Blocks {

	private Blocks() {
	}

	/** {@code n} values of a standard normal distribution. */
	static float[] gaussian(Random r, int n) {
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			out[i] = (float) r.nextGaussian();
		}
		return out;
	}

	/** Random bytes of {@code rows × cols} in {@code type}, every block's scales set to finite values of a weight's size. */
	static byte[] random(TensorType type, int rows, int cols, Random r) {
		byte[] data = new byte[(int) (rows * type.rowBytes(cols))];
		ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		switch (type) {
		case F32 -> {
			for (int i = 0; i < rows * cols; i++) {
				b.putFloat(4 * i, (float) r.nextGaussian());
			}
		}
		case F16 -> {
			for (int i = 0; i < rows * cols; i++) {
				b.putShort(2 * i, Float.floatToFloat16((float) r.nextGaussian()));
			}
		}
		case BF16 -> {
			for (int i = 0; i < rows * cols; i++) {
				b.putShort(2 * i, (short) (Float.floatToIntBits((float) r.nextGaussian()) >>> 16));
			}
		}
		default -> {
			r.nextBytes(data);
			for (int block = 0; block < data.length / type.blockBytes(); block++) {
				int at = block * type.blockBytes();
				switch (type) {
				case Q6_K -> b.putShort(at + 208, half(r));
				case Q4_K, Q5_K -> {
					b.putShort(at, half(r));
					b.putShort(at + 2, half(r));
				}
				default -> b.putShort(at, half(r)); // Q8_0, Q4_0
				}
			}
		}
		}
		return data;
	}

	private static short half(Random r) {
		return Float.floatToFloat16((float) (0.001 + 0.02 * r.nextDouble()));
	}

	/** Row {@code row} decoded value by value. */
	static float[] decode(TensorType type, byte[] data, int row, int cols) {
		ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
		int base = (int) (row * type.rowBytes(cols));
		float[] out = new float[cols];
		for (int i = 0; i < cols; i++) {
			out[i] = switch (type) {
			case F32 -> b.getFloat(base + 4 * i);
			case F16 -> Float.float16ToFloat(b.getShort(base + 2 * i));
			case BF16 -> Float.intBitsToFloat(b.getShort(base + 2 * i) << 16);
			case Q8_0 -> f16(b, base + 34 * (i / 32)) * data[base + 34 * (i / 32) + 2 + i % 32];
			case Q4_0 -> {
				int block = base + 18 * (i / 32);
				int packed = data[block + 2 + i % 16] & 0xff;
				yield f16(b, block) * ((i % 32 < 16 ? packed & 15 : packed >> 4) - 8);
			}
			case Q4_K, Q5_K -> kQuant45(type, b, data, base + type.blockBytes() * (i / 256), i % 256);
			case Q6_K -> q6k(b, data, base + 210 * (i / 256), i % 256);
			case I32 -> throw new IllegalArgumentException("not a weight type");
			};
		}
		return out;
	}

	private static float f16(ByteBuffer b, int at) {
		return Float.float16ToFloat(b.getShort(at));
	}

	/** ggml's get_scale_min_k4: sub-block j's 6-bit scale and min from the 12 bytes at 4. */
	private static int[] scaleMin(byte[] data, int block, int j) {
		int[] q = new int[12];
		for (int i = 0; i < 12; i++) {
			q[i] = data[block + 4 + i] & 0xff;
		}
		if (j < 4) {
			return new int[] { q[j] & 63, q[j + 4] & 63 };
		}
		return new int[] { q[j + 4] & 0xF | (q[j - 4] >> 6) << 4, q[j + 4] >> 4 | (q[j] >> 6) << 4 };
	}

	private static float kQuant45(TensorType type, ByteBuffer b, byte[] data, int block, int e) {
		int j = e / 32;
		int l = e % 32;
		boolean five = type == TensorType.Q5_K;
		int nibbles = block + (five ? 48 : 16);
		int q = (data[nibbles + 32 * (j / 2) + l] & 0xff) >> (j % 2 == 0 ? 0 : 4) & 15;
		if (five) {
			q |= ((data[block + 16 + l] & 0xff) >> j & 1) << 4;
		}
		int[] sm = scaleMin(data, block, j);
		return f16(b, block) * sm[0] * q - f16(b, block + 2) * sm[1];
	}

	private static float q6k(ByteBuffer b, byte[] data, int block, int e) {
		int half = e / 128;
		int within = e % 128;
		int quarter = within / 32;
		int l = within % 32;
		int ql = data[block + 64 * half + l + (quarter % 2 == 1 ? 32 : 0)] & 0xff;
		int low = quarter < 2 ? ql & 15 : ql >> 4;
		int high = (data[block + 128 + 32 * half + l] & 0xff) >> 2 * quarter & 3;
		int scale = data[block + 192 + 8 * half + l / 16 + 2 * quarter];
		return f16(b, block + 208) * scale * ((low | high << 4) - 32);
	}
}
