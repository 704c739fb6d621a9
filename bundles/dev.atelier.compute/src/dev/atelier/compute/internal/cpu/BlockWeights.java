package dev.atelier.compute.internal.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.atelier.compute.TensorType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of a GGUF tensor in F16, BF16, Q8_0 or Q4_0, read in place: each dot product dequantises a block at a
 * time into the sum. Q8_0 blocks are an F16 scale and 32 signed bytes; Q4_0 blocks an F16 scale and 16 bytes
 * holding 32 four-bit values, low nibbles first, each stored as value + 8.
 */
record BlockWeights(MemorySegment data, TensorType type, int rows, int cols) implements Weights {

	private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
	/** Bytes in as many lanes as F has floats; null where that is under 64 bits (no Vector-API path then). */
	private static final VectorSpecies<Byte> B = F.length() >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8)) : null;

	/** The integer kernels' shapes: a block of 32 values as shorts, its 16 pair sums as ints and floats. */
	private static final VectorSpecies<Short> S = ShortVector.SPECIES_512;
	private static final VectorSpecies<Short> HALF = ShortVector.SPECIES_256;
	private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;

	public BlockWeights {
		if (type != TensorType.F16 && type != TensorType.BF16 && type != TensorType.Q8_0 && type != TensorType.Q4_0) {
			throw new IllegalArgumentException(type + " is not a per-value or 32-value block type (F16, BF16, Q8_0, Q4_0 are)");
		}
		if (data.byteSize() < type.rowBytes(cols) * rows) {
			throw new IllegalArgumentException("a " + type + " matrix of " + rows + " × " + cols + " needs " + type.rowBytes(cols) * rows + " bytes");
		}
	}

	@Override
	public float dot(int row, float[] x) {
		long base = row * type.rowBytes(cols);
		if (type == TensorType.F16 || type == TensorType.BF16) {
			float sum = 0;
			for (int i = 0; i < cols; i++) {
				sum += half(base + 2L * i) * x[i];
			}
			return sum;
		}
		if (B != null) {
			return vectorDot(base, x);
		}
		// no byte vectors on this machine: block by block, the two formats differing only in how a value is stored
		float sum = 0;
		for (int b = 0; b < cols / 32; b++) {
			long block = base + type.rowBytes(32) * b;
			float partial = 0;
			for (int i = 0; i < 32; i++) {
				partial += quant(block, i) * x[32 * b + i];
			}
			sum += Float.float16ToFloat(data.get(SHORT, block)) * partial;
		}
		return sum;
	}

	/** The {@code i}-th of a Q8_0 or Q4_0 block's 32 values, before its scale. */
	private int quant(long block, int i) {
		if (type == TensorType.Q8_0) {
			return data.get(ValueLayout.JAVA_BYTE, block + 2 + i);
		}
		int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + i % 16) & 0xff;
		return (i < 16 ? packed & 0x0f : packed >> 4) - 8;
	}

	/** The 16-bit value at a byte offset: IEEE half, or bfloat16 (the top half of a float). */
	private float half(long at) {
		short bits = data.get(SHORT, at);
		return type == TensorType.F16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat(bits << 16);
	}

	/** Q8_0 or Q4_0: per block, its 32 values widened to floats and multiply-added with x a vector at a time, then scaled. */
	private float vectorDot(long base, float[] x) {
		long blockBytes = type.rowBytes(32);
		FloatVector acc = FloatVector.zero(F);
		for (int b = 0; b < cols / 32; b++) {
			long block = base + blockBytes * b;
			FloatVector sum = type == TensorType.Q8_0 ? q8Block(block, x, 32 * b) : q4Block(block, x, 32 * b);
			acc = sum.fma(FloatVector.broadcast(F, Float.float16ToFloat(data.get(SHORT, block))), acc);
		}
		return acc.reduceLanes(VectorOperators.ADD);
	}

	/** Q8_0: the block's 32 bytes against x[at …]. */
	private FloatVector q8Block(long block, float[] x, int at) {
		FloatVector sum = FloatVector.zero(F);
		for (int j = 0; j < 32; j += F.length()) {
			FloatVector q = (FloatVector) ByteVector.fromMemorySegment(B, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN).castShape(F, 0);
			sum = q.fma(FloatVector.fromArray(F, x, at + j), sum);
		}
		return sum;
	}

	/** Q4_0: low nibbles (elements 0–15) and high nibbles (16–31), each minus 8, against x[at …]. */
	private FloatVector q4Block(long block, float[] x, int at) {
		FloatVector sum = FloatVector.zero(F);
		for (int j = 0; j < 16; j += F.length()) {
			ByteVector packed = ByteVector.fromMemorySegment(B, data, block + 2 + j, ByteOrder.LITTLE_ENDIAN);
			FloatVector lo = (FloatVector) packed.and((byte) 0x0F).sub((byte) 8).castShape(F, 0);
			FloatVector hi = (FloatVector) packed.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).castShape(F, 0);
			sum = lo.fma(FloatVector.fromArray(F, x, at + j), sum);
			sum = hi.fma(FloatVector.fromArray(F, x, at + 16 + j), sum);
		}
		return sum;
	}

	@Override
	public int activationBlock() {
		return type == TensorType.Q8_0 || type == TensorType.Q4_0 ? 32 : 0;
	}

	/** Per block: its 32 integers times the activations' 32, summed in ints, then scaled by both blocks' scales. */
	@Override
	public float dot(int row, Q8Activations x, int t) {
		long base = row * type.rowBytes(cols);
		return type == TensorType.Q8_0 ? q8Integer(base, x.values, x.scales, x.offset(t)) : q4Integer(base, x.values, x.scales, x.offset(t));
	}

	private float q8Integer(long base, short[] values, float[] scales, int at) {
		FloatVector acc = FloatVector.zero(F16);
		for (int b = 0; b < cols / 32; b++) {
			long block = base + 34L * b;
			ShortVector q = (ShortVector) ByteVector.fromMemorySegment(ByteVector.SPECIES_256, data, block + 2, ByteOrder.LITTLE_ENDIAN)
					.convertShape(VectorOperators.B2S, S, 0);
			IntVector p = q.mul(ShortVector.fromArray(S, values, at + 32 * b)).reinterpretAsInts();
			IntVector sums = p.lanewise(VectorOperators.ASHR, 16).add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
			float scale = Float.float16ToFloat(data.get(SHORT, block)) * scales[at / 32 + b];
			acc = ((FloatVector) sums.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F16, scale), acc);
		}
		return acc.reduceLanes(VectorOperators.ADD);
	}

	/** Per block: 16 low nibbles (values 0–15) against the activations' first 16, high nibbles against the rest. */
	private float q4Integer(long base, short[] values, float[] scales, int at) {
		FloatVector acc = FloatVector.zero(F16);
		for (int b = 0; b < cols / 32; b++) {
			long block = base + 18L * b;
			ByteVector packed = ByteVector.fromMemorySegment(ByteVector.SPECIES_128, data, block + 2, ByteOrder.LITTLE_ENDIAN);
			ShortVector lo = (ShortVector) packed.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2S, HALF, 0);
			ShortVector hi = (ShortVector) packed.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2S, HALF, 0);
			// |q·x| ≤ 8 · 127: a low and a high product still fit 16 bits, and 16 such sums one int each
			ShortVector p = lo.mul(ShortVector.fromArray(HALF, values, at + 32 * b)).add(hi.mul(ShortVector.fromArray(HALF, values, at + 32 * b + 16)));
			FloatVector sums = (FloatVector) p.convertShape(VectorOperators.S2I, IntVector.SPECIES_512, 0).convert(VectorOperators.I2F, 0);
			float scale = Float.float16ToFloat(data.get(SHORT, block)) * scales[at / 32 + b];
			acc = sums.fma(FloatVector.broadcast(F16, scale), acc);
		}
		return acc.reduceLanes(VectorOperators.ADD);
	}

	@Override
	public void row(int row, float[] out) {
		long base = row * type.rowBytes(cols);
		if (type == TensorType.F16 || type == TensorType.BF16) {
			for (int i = 0; i < cols; i++) {
				out[i] = half(base + 2L * i);
			}
			return;
		}
		for (int b = 0; b < cols / 32; b++) {
			long block = base + type.rowBytes(32) * b;
			float scale = Float.float16ToFloat(data.get(SHORT, block));
			for (int i = 0; i < 32; i++) {
				out[32 * b + i] = scale * quant(block, i);
			}
		}
	}
}
