package dev.atelier.compute.internal.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Little-endian float32 rows in a (usually memory-mapped) segment; dot products on the Vector API. */
record F32Weights(MemorySegment data, int rows, int cols) implements Weights {

	private static final VectorSpecies<Float> SPECIES = LaneSums.SPECIES;
	private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	public F32Weights {
		if (data.byteSize() < 4L * rows * cols) {
			throw new IllegalArgumentException("an F32 matrix of " + rows + " × " + cols + " needs " + 4L * rows * cols + " bytes, not "
					+ data.byteSize());
		}
	}

	@Override
	public float dot(int row, float[] x) {
		long base = 4L * row * cols;
		FloatVector acc = FloatVector.zero(SPECIES);
		int lanes = SPECIES.length();
		int i = 0;
		for (int end = SPECIES.loopBound(cols); i < end; i += lanes) {
			FloatVector w = FloatVector.fromMemorySegment(SPECIES, data, base + 4L * i, ByteOrder.LITTLE_ENDIAN);
			acc = w.fma(FloatVector.fromArray(SPECIES, x, i), acc);
		}
		float sum = LaneSums.sum(acc);
		for (; i < cols; i++) {
			sum += data.get(FLOAT, base + 4L * i) * x[i];
		}
		return sum;
	}

	@Override
	public void row(int row, float[] out) {
		MemorySegment.copy(data, FLOAT, 4L * row * cols, out, 0, cols);
	}
}
