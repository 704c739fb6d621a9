package dev.atelier.compute.internal.cuda;

import java.lang.foreign.MemorySegment;

import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.compute.internal.AbstractTensor;
import dev.atelier.device.DeviceBuffer;

/** Rows of device memory: a buffer of its own, or a view at an offset into another tensor's. */
final class CudaTensor extends AbstractTensor {

	private final CudaCompute compute;
	final DeviceBuffer buffer;
	final long offset;
	private final CudaTensor owner;
	private volatile boolean closed;

	CudaTensor(CudaCompute compute, TensorType type, int rows, int cols, DeviceBuffer buffer, long offset, CudaTensor owner) {
		super(type, rows, cols);
		this.compute = compute;
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
	protected Tensor view(int first, int count) {
		return new CudaTensor(compute, type(), count, cols(), buffer, offset + first * rowBytes(), owner == null ? this : owner);
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

	@Override
	public void close() {
		if (owner == null && !closed) {
			closed = true;
			compute.free(this);
		}
	}
}
