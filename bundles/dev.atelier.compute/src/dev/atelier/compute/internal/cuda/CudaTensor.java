package dev.atelier.compute.internal.cuda;

import java.lang.foreign.MemorySegment;

import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.device.DeviceBuffer;

/** Rows of device memory: a buffer of its own, or a view at an offset into another tensor's. */
final class CudaTensor implements Tensor {

	private final CudaCompute compute;
	private final TensorType type;
	private final int rows;
	private final int cols;
	final DeviceBuffer buffer;
	final long offset;
	private final CudaTensor owner;
	private volatile boolean closed;

	CudaTensor(CudaCompute compute, TensorType type, int rows, int cols, DeviceBuffer buffer, long offset, CudaTensor owner) {
		this.compute = compute;
		this.type = type;
		this.rows = rows;
		this.cols = cols;
		this.buffer = buffer;
		this.offset = offset;
		this.owner = owner;
	}

	CudaCompute compute() {
		return compute;
	}

	/** The device address of the first row, as kernels take it. */
	long address() {
		return buffer.address() + offset;
	}

	boolean isClosed() {
		return closed || owner != null && owner.closed;
	}

	@Override
	public TensorType type() {
		return type;
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
	public long bytes() {
		return rows * type.rowBytes(cols);
	}

	@Override
	public Tensor rows(int first, int count) {
		if (first < 0 || count < 1 || first + count > rows) {
			throw new IllegalArgumentException("rows " + first + " … " + (first + count - 1) + " outside a tensor of " + rows + " rows");
		}
		return new CudaTensor(compute, type, count, cols, buffer, offset + first * type.rowBytes(cols), owner == null ? this : owner);
	}

	@Override
	public void write(MemorySegment source) {
		checkHostSize("write", source);
		compute.write(this, source);
	}

	@Override
	public void read(MemorySegment target) {
		checkHostSize("read", target);
		compute.read(this, target);
	}

	private void checkHostSize(String what, MemorySegment host) {
		if (host.byteSize() != bytes()) {
			throw new IllegalArgumentException(what + ": the host memory has " + host.byteSize() + " bytes, the " + type + " tensor " + rows + " × " + cols
					+ " " + bytes());
		}
	}

	@Override
	public void close() {
		if (owner == null && !closed) {
			closed = true;
			compute.free(this);
		}
	}
}
