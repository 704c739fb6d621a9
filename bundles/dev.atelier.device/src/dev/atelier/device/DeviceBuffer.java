package dev.atelier.device;

import java.lang.foreign.MemorySegment;

/** Device memory from {@link ComputeContext#allocate}; closing it frees the memory and returns it to the lease. */
public interface DeviceBuffer extends AutoCloseable {

	long bytes();

	/** The device pointer (CUDA) or native address (CPU); 0 for a simulated device. */
	long address();

	/** Copies host memory into the buffer at {@code offset} (synchronously). */
	void write(long offset, MemorySegment source);

	/** Copies from the buffer at {@code offset} into host memory (synchronously). */
	void read(long offset, MemorySegment target);

	@Override
	void close();
}
