package dev.atelier.llm.internal.gguf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes float rows into GGUF's stored formats (for synthetic models and tests), rounding as ggml's reference
 * quantisers do: Q8_0 scales each block of 32 by max|x| / 127, Q4_0 by the signed value of largest magnitude / −8.
 * The K-quants are ours, simpler than ggml's search for the best scales: per sub-block, a min/max grid (Q4_K, Q5_K)
 * or a symmetric one (Q6_K) whose 6- or 8-bit scale is rounded up, so the grid always covers the sub-block and every
 * value is within half a step of the original (the bounds {@code QuantizeTest} checks).
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
		case Q4_K -> minMaxK(values, 15);
		case Q5_K -> minMaxK(values, 31);
		case Q6_K -> q6k(values);
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

	/** The smallest F16 at or above {@code v} (≥ 0): a scale rounded up keeps the grid it spans over every value. */
	private static short halfUp(float v) {
		short h = Float.floatToFloat16(v);
		return Float.float16ToFloat(h) < v ? (short) (h + 1) : h;
	}

	/** Q4_K ({@code levels} 15) or Q5_K (31): value = d·scale_j·q − dmin·min_j, q in 0…levels, per sub-block of 32. */
	private static byte[] minMaxK(float[] values, int levels) {
		boolean five = levels == 31;
		ByteBuffer out = ByteBuffer.allocate(values.length / 256 * (five ? 176 : 144)).order(ByteOrder.LITTLE_ENDIAN);
		for (int s = 0; s < values.length / 256; s++) {
			float[] lift = new float[8]; // −min(0, min): the min is never above 0, as in ggml
			float[] high = new float[8];
			float maxLift = 0;
			for (int j = 0; j < 8; j++) {
				float lo = 0;
				float hi = Float.NEGATIVE_INFINITY;
				for (int l = 0; l < 32; l++) {
					lo = Math.min(lo, values[256 * s + 32 * j + l]);
					hi = Math.max(hi, values[256 * s + 32 * j + l]);
				}
				lift[j] = -lo;
				high[j] = hi;
				maxLift = Math.max(maxLift, lift[j]);
			}
			short dminBits = halfUp(maxLift / 63);
			float dmin = Float.float16ToFloat(dminBits);
			int[] mins = new int[8];
			float[] offset = new float[8];
			float[] top = new float[8];
			float maxTop = 0;
			for (int j = 0; j < 8; j++) {
				mins[j] = dmin == 0 ? 0 : Math.min(63, (int) Math.ceil(lift[j] / dmin));
				offset[j] = dmin * mins[j];
				top[j] = Math.max(0, high[j] + offset[j]);
				maxTop = Math.max(maxTop, top[j]);
			}
			short dBits = halfUp(maxTop / (levels * 63));
			float d = Float.float16ToFloat(dBits);
			int[] scales = new int[8];
			byte[] q = new byte[256];
			for (int j = 0; j < 8; j++) {
				scales[j] = d == 0 ? 0 : Math.min(63, (int) Math.ceil(top[j] / (levels * d)));
				float step = d * scales[j];
				for (int l = 0; l < 32; l++) {
					int v = step == 0 ? 0 : Math.round((values[256 * s + 32 * j + l] + offset[j]) / step);
					q[32 * j + l] = (byte) Math.clamp(v, 0, levels);
				}
			}
			out.putShort(dBits).putShort(dminBits);
			for (int j = 0; j < 4; j++) { // six bits of the first four in bytes 0–7, their top two bits carrying the last four's
				out.put((byte) (scales[j] | scales[j + 4] >> 4 << 6));
			}
			for (int j = 0; j < 4; j++) {
				out.put((byte) (mins[j] | mins[j + 4] >> 4 << 6));
			}
			for (int j = 0; j < 4; j++) {
				out.put((byte) (scales[j + 4] & 0x0F | (mins[j + 4] & 0x0F) << 4));
			}
			if (five) {
				for (int l = 0; l < 32; l++) {
					int bits = 0;
					for (int j = 0; j < 8; j++) {
						bits |= (q[32 * j + l] >> 4) << j;
					}
					out.put((byte) bits);
				}
			}
			for (int p = 0; p < 4; p++) {
				for (int l = 0; l < 32; l++) {
					out.put((byte) (q[64 * p + l] & 0x0F | (q[64 * p + 32 + l] & 0x0F) << 4));
				}
			}
		}
		return out.array();
	}

	/** Q6_K: value = d·scale_g·(q − 32) per group of 16, the 8-bit scale making ±31 steps cover the group's max |x|. */
	private static byte[] q6k(float[] values) {
		ByteBuffer out = ByteBuffer.allocate(values.length / 256 * 210).order(ByteOrder.LITTLE_ENDIAN);
		for (int s = 0; s < values.length / 256; s++) {
			float[] amax = new float[16];
			float max = 0;
			for (int i = 0; i < 256; i++) {
				amax[i / 16] = Math.max(amax[i / 16], Math.abs(values[256 * s + i]));
				max = Math.max(max, amax[i / 16]);
			}
			short dBits = halfUp(max / (31 * 127));
			float d = Float.float16ToFloat(dBits);
			int[] scales = new int[16];
			int[] q = new int[256]; // stored as q + 32, 0–63
			for (int i = 0; i < 256; i++) {
				int g = i / 16;
				scales[g] = d == 0 ? 0 : Math.min(127, (int) Math.ceil(amax[g] / 31 / d));
				float step = d * scales[g];
				q[i] = Math.clamp(step == 0 ? 0 : Math.round(values[256 * s + i] / step), -32, 31) + 32;
			}
			for (int h = 0; h < 2; h++) { // per half of 128: nibbles of values 0–31 and 64–95 share bytes, as do 32–63 and 96–127
				for (int l = 0; l < 64; l++) {
					out.put((byte) (q[128 * h + l] & 0x0F | (q[128 * h + 64 + l] & 0x0F) << 4));
				}
			}
			for (int h = 0; h < 2; h++) {
				for (int l = 0; l < 32; l++) {
					int bits = 0;
					for (int k = 0; k < 4; k++) {
						bits |= (q[128 * h + 32 * k + l] >> 4) << 2 * k;
					}
					out.put((byte) bits);
				}
			}
			for (int g = 0; g < 16; g++) {
				out.put((byte) scales[g]);
			}
			out.putShort(dBits);
		}
		return out.array();
	}
}
