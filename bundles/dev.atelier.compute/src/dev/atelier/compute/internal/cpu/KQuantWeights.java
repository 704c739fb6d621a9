package dev.atelier.compute.internal.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.atelier.compute.TensorType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of a GGUF tensor in ggml's K-quants, read in place: super-blocks of 256 values, each dequantised inside the
 * dot product. The layouts (byte offsets within a super-block):
 * <ul>
 * <li>Q4_K, 144 bytes: F16 {@code d} at 0, F16 {@code dmin} at 2, eight 6-bit scales and eight 6-bit mins packed in
 * the 12 bytes at 4, 128 bytes of nibbles at 16. Sub-block {@code j} (32 values) is {@code d·scale_j·q − dmin·min_j};
 * nibble byte {@code 32p + l} holds value {@code l} of sub-block {@code 2p} low and of {@code 2p + 1} high.</li>
 * <li>Q5_K, 176 bytes: as Q4_K, with 32 bytes of fifth bits at 16 (bit {@code j} of byte {@code l} for value
 * {@code l} of sub-block {@code j}) and the nibbles at 48.</li>
 * <li>Q6_K, 210 bytes: low nibbles (128 bytes) at 0, 2-bit high parts (64 bytes) at 128, sixteen signed 8-bit scales
 * (one per 16 values) at 192, F16 {@code d} at 208; a value is {@code d·scale·(q − 32)}. Each half of 128 values takes
 * 64 nibble bytes and 32 high bytes: value {@code 32k + l} has the nibble of byte {@code 32(k mod 2) + l} (low for
 * {@code k < 2}) and bits {@code 2k, 2k+1} of high byte {@code l}.</li>
 * </ul>
 */
record KQuantWeights(MemorySegment data, TensorType type, int rows, int cols) implements Weights {

	private static final int SUPER = 256;
	private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
	/** Bytes in as many lanes as F has floats; null where that is under 64 bits or does not divide Q6_K's groups of 16. */
	private static final VectorSpecies<Byte> B = F.length() >= 8 && 16 % F.length() == 0
			? VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8))
			: null;

	/** The integer kernels' shapes: 32 values as shorts and as bytes, their 16 pair sums as ints. */
	private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
	private static final VectorSpecies<Byte> B32 = ByteVector.SPECIES_256;
	/** Q6_K: the pair sums of a 32-value run's second group of 16 (its own scale). */
	private static final VectorMask<Integer> SECOND_GROUP = VectorMask.fromLong(IntVector.SPECIES_512, 0xFF00L);

	public KQuantWeights {
		if (type != TensorType.Q4_K && type != TensorType.Q5_K && type != TensorType.Q6_K) {
			throw new IllegalArgumentException(type + " is not a K-quant (Q4_K, Q5_K, Q6_K are read)");
		}
		if (cols % SUPER != 0) {
			throw new IllegalArgumentException(type + " rows of " + cols + " values are not whole super-blocks of " + SUPER);
		}
		long bytes = type.rowBytes(cols) * rows;
		if (data.byteSize() != bytes) {
			throw new IllegalArgumentException("a " + type + " matrix of " + rows + " × " + cols + " takes " + bytes + " bytes, not "
					+ data.byteSize() + " (a damaged block table)");
		}
	}

	@Override
	public float dot(int row, float[] x) {
		if (B == null) {
			return dotScalar(row, x);
		}
		return type == TensorType.Q6_K ? q6Vector(row, x) : q45Vector(row, x);
	}

	/** The dot product without the Vector API: what machines without byte vectors run, and the vector path's check. */
	float dotScalar(int row, float[] x) {
		float sum = 0;
		for (int s = 0; s < cols / SUPER; s++) {
			long block = block(row, s);
			if (type == TensorType.Q6_K) {
				float d = half(block + 208);
				for (int g = 0; g < 16; g++) {
					float qx = 0;
					for (int i = 0; i < 16; i++) {
						qx += q6(block, 16 * g + i) * x[SUPER * s + 16 * g + i];
					}
					sum += d * q6Scale(block, g) * qx;
				}
			} else {
				float d = half(block);
				float dmin = half(block + 2);
				for (int j = 0; j < 8; j++) {
					// per sub-block: Σ q·x and Σ x, so the scale and the min each multiply once
					float qx = 0;
					float xs = 0;
					for (int l = 0; l < 32; l++) {
						float xi = x[SUPER * s + 32 * j + l];
						qx += q45(block, j, l) * xi;
						xs += xi;
					}
					sum += d * scaleOrMin(block, j, 0) * qx - dmin * scaleOrMin(block, j, 1) * xs;
				}
			}
		}
		return sum;
	}

	@Override
	public int activationBlock() {
		return SUPER;
	}

	/**
	 * Per super-block: each sub-block's integer products with the activations times its integer scale, summed exactly
	 * in ints over the super-block, then scaled once by d and the activations' scale; the mins multiply the
	 * activations' sums.
	 */
	@Override
	public float dot(int row, Q8Activations x, int t) {
		float sum = 0;
		for (int s = 0; s < cols / SUPER; s++) {
			long block = block(row, s);
			int at = x.offset(t) + SUPER * s;
			float scale = x.scales[at / SUPER];
			if (type == TensorType.Q6_K) {
				sum += half(block + 208) * scale * q6Integer(block, x.values, at);
			} else {
				long first = data.get(LONG, block + 4);
				int last = data.get(INT, block + 12);
				int mins = 0;
				for (int j = 0; j < 8; j++) {
					mins += scaleOrMin(first, last, j, 1) * x.sums[at / 32 + j];
				}
				sum += half(block) * scale * q45Integer(block, x.values, at) - half(block + 2) * scale * mins;
			}
		}
		return sum;
	}

	/** Q4_K/Q5_K: Σ over sub-blocks of scale × (values · activations), exact (at most 8 · 63 · 64 · 31 · 127). */
	private int q45Integer(long block, short[] values, int at) {
		boolean five = type == TensorType.Q5_K;
		long nibbles = block + (five ? 48 : 16);
		long first = data.get(LONG, block + 4);
		int last = data.get(INT, block + 12);
		ByteVector bits = five ? ByteVector.fromMemorySegment(B32, data, block + 16, ByteOrder.LITTLE_ENDIAN) : null;
		IntVector sum = IntVector.zero(IntVector.SPECIES_512);
		for (int j = 0; j < 8; j++) {
			ByteVector q = ByteVector.fromMemorySegment(B32, data, nibbles + 32 * (j >> 1), ByteOrder.LITTLE_ENDIAN).lanewise(VectorOperators.LSHR, 4 * (j & 1))
					.and((byte) 0x0F);
			if (five) {
				q = q.or(bits.lanewise(VectorOperators.LSHR, j).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
			}
			IntVector p = ((ShortVector) q.convertShape(VectorOperators.B2S, S, 0)).mul(ShortVector.fromArray(S, values, at + 32 * j)).reinterpretAsInts();
			IntVector pairs = p.lanewise(VectorOperators.ASHR, 16).add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
			sum = sum.add(pairs.mul(scaleOrMin(first, last, j, 0)));
		}
		return sum.reduceLanes(VectorOperators.ADD);
	}

	/** Q6_K: Σ over groups of 16 of scale × (values · activations), exact (at most 16 · 128 · 16 · 32 · 127). */
	private int q6Integer(long block, short[] values, int at) {
		IntVector sum = IntVector.zero(IntVector.SPECIES_512);
		for (int i = 0; i < 8; i++) {
			int h = i >> 2;
			int k = i & 3;
			ByteVector nib = ByteVector.fromMemorySegment(B32, data, block + 64 * h + 32 * (k & 1), ByteOrder.LITTLE_ENDIAN);
			ByteVector top = ByteVector.fromMemorySegment(B32, data, block + 128 + 32 * h, ByteOrder.LITTLE_ENDIAN);
			ByteVector q = nib.lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and((byte) 0x0F)
					.or(top.lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
			// run i's 32 values: lanes 0–7 of the pair sums are group 2i, lanes 8–15 group 2i + 1
			IntVector scales = IntVector.broadcast(IntVector.SPECIES_512, data.get(ValueLayout.JAVA_BYTE, block + 192 + 2 * i))
					.blend(data.get(ValueLayout.JAVA_BYTE, block + 193 + 2 * i), SECOND_GROUP);
			IntVector p = ((ShortVector) q.convertShape(VectorOperators.B2S, S, 0)).mul(ShortVector.fromArray(S, values, at + 32 * i)).reinterpretAsInts();
			IntVector pairs = p.lanewise(VectorOperators.ASHR, 16).add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
			sum = sum.add(pairs.mul(scales));
		}
		return sum.reduceLanes(VectorOperators.ADD);
	}

	@Override
	public void row(int row, float[] out) {
		for (int s = 0; s < cols / SUPER; s++) {
			long block = block(row, s);
			if (type == TensorType.Q6_K) {
				float d = half(block + 208);
				for (int i = 0; i < SUPER; i++) {
					out[SUPER * s + i] = d * q6Scale(block, i / 16) * q6(block, i);
				}
			} else {
				float d = half(block);
				float dmin = half(block + 2);
				for (int j = 0; j < 8; j++) {
					float scale = d * scaleOrMin(block, j, 0);
					float min = dmin * scaleOrMin(block, j, 1);
					for (int l = 0; l < 32; l++) {
						out[SUPER * s + 32 * j + l] = scale * q45(block, j, l) - min;
					}
				}
			}
		}
	}

	private long block(int row, int s) {
		return row * type.rowBytes(cols) + (long) s * type.blockBytes();
	}

	private float half(long at) {
		return Float.float16ToFloat(data.get(SHORT, at));
	}

	private int u8(long at) {
		return data.get(ValueLayout.JAVA_BYTE, at) & 0xff;
	}

	/** Sub-block {@code j}'s 6-bit scale ({@code which} 0) or min (1) from the 12 packed bytes at 4. */
	private int scaleOrMin(long block, int j, int which) {
		return scaleOrMin(data.get(LONG, block + 4), data.get(INT, block + 12), j, which);
	}

	/** The same from the packed bytes read once: bytes 0–7 as {@code first}, 8–11 as {@code last}; the first four whole, the last four split. */
	private static int scaleOrMin(long first, int last, int j, int which) {
		if (j < 4) {
			return (int) (first >>> 8 * (j + 4 * which)) & 63;
		}
		return last >>> 8 * (j - 4) + 4 * which & 0x0F | (int) (first >>> 8 * (j - 4 + 4 * which) + 6) << 4 & 0x30;
	}

	/** Q4_K/Q5_K: value {@code l} of sub-block {@code j}, before its scale and min. */
	private int q45(long block, int j, int l) {
		boolean five = type == TensorType.Q5_K;
		int q = u8(block + (five ? 48 : 16) + 32 * (j >> 1) + l) >> 4 * (j & 1) & 0x0F;
		return five ? q | (u8(block + 16 + l) >> j & 1) << 4 : q;
	}

	/** Q6_K: value {@code e} (0–255) of the super-block, its offset of 32 removed. */
	private int q6(long block, int e) {
		int half = e >> 7;
		int k = e >> 5 & 3;
		int l = e & 31;
		int low = u8(block + 64 * half + 32 * (k & 1) + l) >> 4 * (k >> 1) & 0x0F;
		int high = u8(block + 128 + 32 * half + l) >> 2 * k & 3;
		return (low | high << 4) - 32;
	}

	private int q6Scale(long block, int group) {
		return data.get(ValueLayout.JAVA_BYTE, block + 192 + group);
	}

	/** Q4_K/Q5_K: per pair of sub-blocks, the nibbles (and fifth bits) widened a vector at a time into Σ q·x and Σ x. */
	private float q45Vector(int row, float[] x) {
		int lanes = F.length();
		boolean five = type == TensorType.Q5_K;
		FloatVector acc = FloatVector.zero(F);
		for (int s = 0; s < cols / SUPER; s++) {
			long block = block(row, s);
			long nibbles = block + (five ? 48 : 16);
			float d = half(block);
			float dmin = -half(block + 2);
			long first = data.get(LONG, block + 4);
			int last = data.get(INT, block + 12);
			for (int p = 0; p < 4; p++) {
				int at = SUPER * s + 64 * p;
				FloatVector qxLo = FloatVector.zero(F);
				FloatVector qxHi = FloatVector.zero(F);
				FloatVector xLo = FloatVector.zero(F);
				FloatVector xHi = FloatVector.zero(F);
				for (int l = 0; l < 32; l += lanes) {
					ByteVector packed = ByteVector.fromMemorySegment(B, data, nibbles + 32 * p + l, ByteOrder.LITTLE_ENDIAN);
					ByteVector lo = packed.and((byte) 0x0F);
					ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4);
					if (five) {
						ByteVector bits = ByteVector.fromMemorySegment(B, data, block + 16 + l, ByteOrder.LITTLE_ENDIAN);
						lo = lo.or(bits.lanewise(VectorOperators.LSHR, 2 * p).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
						hi = hi.or(bits.lanewise(VectorOperators.LSHR, 2 * p + 1).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
					}
					FloatVector x0 = FloatVector.fromArray(F, x, at + l);
					FloatVector x1 = FloatVector.fromArray(F, x, at + 32 + l);
					qxLo = ((FloatVector) lo.castShape(F, 0)).fma(x0, qxLo);
					qxHi = ((FloatVector) hi.castShape(F, 0)).fma(x1, qxHi);
					xLo = xLo.add(x0);
					xHi = xHi.add(x1);
				}
				acc = qxLo.fma(FloatVector.broadcast(F, d * scaleOrMin(first, last, 2 * p, 0)), acc);
				acc = xLo.fma(FloatVector.broadcast(F, dmin * scaleOrMin(first, last, 2 * p, 1)), acc);
				acc = qxHi.fma(FloatVector.broadcast(F, d * scaleOrMin(first, last, 2 * p + 1, 0)), acc);
				acc = xHi.fma(FloatVector.broadcast(F, dmin * scaleOrMin(first, last, 2 * p + 1, 1)), acc);
			}
		}
		return acc.reduceLanes(VectorOperators.ADD);
	}

	/** Q6_K: per group of 16 values (one scale), nibble and high bits joined, re-centred, widened and multiply-added. */
	private float q6Vector(int row, float[] x) {
		int lanes = F.length();
		FloatVector acc = FloatVector.zero(F);
		for (int s = 0; s < cols / SUPER; s++) {
			long block = block(row, s);
			float d = half(block + 208);
			for (int h = 0; h < 2; h++) {
				long scales = data.get(LONG, block + 192 + 8 * h); // this half's eight signed scales, read once
				long low = block + 64 * h;
				long high = block + 128 + 32 * h;
				for (int k = 0; k < 4; k++) {
					for (int g = 0; g < 32; g += 16) {
						FloatVector qx = FloatVector.zero(F);
						for (int c = 0; c < 16; c += lanes) {
							int l = g + c;
							ByteVector nib = ByteVector.fromMemorySegment(B, data, low + 32 * (k & 1) + l, ByteOrder.LITTLE_ENDIAN);
							ByteVector top = ByteVector.fromMemorySegment(B, data, high + l, ByteOrder.LITTLE_ENDIAN);
							ByteVector q = nib.lanewise(VectorOperators.LSHR, 4 * (k >> 1)).and((byte) 0x0F)
									.or(top.lanewise(VectorOperators.LSHR, 2 * k).and((byte) 3).lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
							qx = ((FloatVector) q.castShape(F, 0)).fma(FloatVector.fromArray(F, x, SUPER * s + 128 * h + 32 * k + l), qx);
						}
						acc = qx.fma(FloatVector.broadcast(F, d * (byte) (scales >>> 8 * (2 * k + g / 16))), acc);
					}
				}
			}
		}
		return acc.reduceLanes(VectorOperators.ADD);
	}
}
