package dev.atelier.compute.internal;

import java.lang.foreign.MemorySegment;

import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;

/** What every backend's tensor shares: its type and shape, the bounds of a view of its rows, the size of host copies. */
public abstract class AbstractTensor implements Tensor {

	private final TensorType type;
	private final int rows;
	private final int cols;

	protected AbstractTensor(TensorType type, int rows, int cols) {
		this.type = type;
		this.rows = rows;
		this.cols = cols;
	}

	@Override
	public final TensorType type() {
		return type;
	}

	@Override
	public final int rows() {
		return rows;
	}

	@Override
	public final int cols() {
		return cols;
	}

	@Override
	public final long bytes() {
		return rows * rowBytes();
	}

	public final long rowBytes() {
		return type.rowBytes(cols);
	}

	@Override
	public final Tensor rows(int first, int count) {
		if (first < 0 || count < 1 || first + count > rows) {
			throw new IllegalArgumentException("rows " + first + " … " + (first + count - 1) + " outside a tensor of " + rows + " rows");
		}
		return view(first, count);
	}

	/** Rows {@code first …} (within bounds) as a tensor on this one's memory, {@code first * rowBytes()} bytes in. */
	protected abstract Tensor view(int first, int count);

	/** Refuses host memory that is not exactly this tensor's size, for a read or write. */
	protected final void checkHostSize(String what, MemorySegment host) {
		if (host.byteSize() != bytes()) {
			throw new IllegalArgumentException(what + ": a " + type + " tensor of " + Shapes.shape(this) + " has " + bytes() + " bytes, the host memory "
					+ host.byteSize());
		}
	}

	@Override
	public String toString() {
		return type + " " + Shapes.shape(this);
	}
}
