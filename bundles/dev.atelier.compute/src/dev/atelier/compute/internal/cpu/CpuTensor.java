package dev.atelier.compute.internal.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.compute.internal.AbstractTensor;

/** A tensor in host memory: its rows in {@link #data}, which views share. */
final class CpuTensor extends AbstractTensor {

	static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	final CpuCompute owner;
	final MemorySegment data;
	/** Frees the memory (or the lease's count of it); null for views. */
	private final AutoCloseable release;
	private Weights weights;

	CpuTensor(CpuCompute owner, TensorType type, int rows, int cols, MemorySegment data, AutoCloseable release) {
		super(type, rows, cols);
		this.owner = owner;
		this.data = data;
		this.release = release;
	}

	/** The rows as a matrix the dot-product kernels read, made on first use. */
	Weights weights() {
		if (weights == null) {
			weights = Weights.of(data, type(), rows(), cols());
		}
		return weights;
	}

	float getFloat(int row, int col) {
		return data.get(FLOAT, row * rowBytes() + 4L * col);
	}

	void setFloat(int row, int col, float value) {
		data.set(FLOAT, row * rowBytes() + 4L * col, value);
	}

	int getInt(int index) {
		return data.get(INT, 4L * index);
	}

	/** Row {@code row} of an F32 tensor into {@code out}. */
	void readRow(int row, float[] out) {
		MemorySegment.copy(data, FLOAT, row * rowBytes(), out, 0, cols());
	}

	/** {@code values} into row {@code row} of an F32 tensor. */
	void writeRow(int row, float[] values) {
		MemorySegment.copy(values, 0, data, FLOAT, row * rowBytes(), cols());
	}

	@Override
	protected Tensor view(int first, int count) {
		return new CpuTensor(owner, type(), count, cols(), data.asSlice(first * rowBytes(), count * rowBytes()), null);
	}

	@Override
	public void write(MemorySegment source) {
		checkHostSize("write", source);
		owner.run(() -> MemorySegment.copy(source, 0, data, 0, data.byteSize()));
	}

	@Override
	public void read(MemorySegment target) {
		checkHostSize("read", target);
		owner.checkNotCapturing("read");
		MemorySegment.copy(data, 0, target, 0, data.byteSize());
	}

	@Override
	public void close() {
		if (release != null) {
			owner.free(this, release);
		}
	}
}
