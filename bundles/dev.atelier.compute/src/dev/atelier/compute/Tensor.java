package dev.atelier.compute;

import java.lang.foreign.MemorySegment;

/**
 * A matrix of {@code rows × cols} values of one {@link TensorType}, rows contiguous, in the memory of one
 * {@link Compute} (device memory under its lease, or host memory for the CPU). Vectors are matrices of one row; a
 * batch of activations has a row per token. Closing a tensor frees its memory (views free nothing).
 */
public interface Tensor extends AutoCloseable {

	TensorType type();

	int rows();

	int cols();

	/** Bytes of the rows this tensor covers. */
	long bytes();

	/**
	 * Rows {@code first … first + count - 1} of this tensor, sharing its memory: what a batch of fewer tokens than the
	 * activations were made for uses.
	 */
	Tensor rows(int first, int count);

	/** Copies {@link #bytes()} of host memory into the tensor, in order with the compute's queued work. */
	void write(MemorySegment source);

	/** Copies the tensor into host memory after the compute's queued work has finished. */
	void read(MemorySegment target);

	@Override
	void close();
}
