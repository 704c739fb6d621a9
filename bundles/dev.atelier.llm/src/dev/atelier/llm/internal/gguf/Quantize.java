package dev.atelier.llm.internal.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes float rows into GGUF's stored formats (for synthetic models and tests), rounding as ggml's reference
 * quantisers do: Q8_0 scales each block of 32 by max|x| / 127, Q4_0 by the signed value of largest magnitude / −8.
 */
public final class Quantize {

	private Quantize() {
	}

	public static byte[] encode(GgmlType type, float[] values) {
		return switch (type) {
		case F32 -> {
			ByteBuffer out = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
			for (float v : values) {
				out.putFloat(v);
			}
			yield out.array();
		}
		case F16 -> {
			ByteBuffer out = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
			for (float v : values) {
				out.putShort(Float.floatToFloat16(v));
			}
			yield out.array();
		}
		case BF16 -> {
			ByteBuffer out = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
			for (float v : values) {
				int bits = Float.floatToRawIntBits(v);
				out.putShort((short) ((bits + 0x7FFF + ((bits >> 16) & 1)) >>> 16)); // round to nearest even
			}
			yield out.array();
		}
		case Q8_0 -> q8(values);
		case Q4_0 -> q4(values);
		default -> throw new IllegalArgumentException("cannot encode " + type);
		};
	}

	private static byte[] q8(float[] values) {
		ByteBuffer out = ByteBuffer.allocate(values.length / 32 * 34).order(ByteOrder.LITTLE_ENDIAN);
		for (int b = 0; b < values.length / 32; b++) {
			float max = 0;
			for (int i = 0; i < 32; i++) {
				max = Math.max(max, Math.abs(values[32 * b + i]));
			}
			float d = max / 127;
			float inv = d == 0 ? 0 : 1 / d;
			out.putShort(Float.floatToFloat16(d));
			for (int i = 0; i < 32; i++) {
				out.put((byte) Math.round(values[32 * b + i] * inv));
			}
		}
		return out.array();
	}

	private static byte[] q4(float[] values) {
		ByteBuffer out = ByteBuffer.allocate(values.length / 32 * 18).order(ByteOrder.LITTLE_ENDIAN);
		for (int b = 0; b < values.length / 32; b++) {
			float max = 0;
			float amax = 0;
			for (int i = 0; i < 32; i++) {
				float v = values[32 * b + i];
				if (Math.abs(v) > amax) {
					amax = Math.abs(v);
					max = v;
				}
			}
			float d = max / -8;
			float inv = d == 0 ? 0 : 1 / d;
			out.putShort(Float.floatToFloat16(d));
			for (int i = 0; i < 16; i++) {
				int lo = Math.min(15, (int) (values[32 * b + i] * inv + 8.5f));
				int hi = Math.min(15, (int) (values[32 * b + 16 + i] * inv + 8.5f));
				out.put((byte) (lo | hi << 4));
			}
		}
		return out.array();
	}
}
