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

	/**
	 * Queues a copy of host memory into the buffer on a stream and returns at once; with memory from
	 * {@link ComputeContext#allocateHost} it overlaps other streams' work. {@code source} must stay valid
	 * until the stream has passed the copy.
	 */
	void writeAsync(long offset, MemorySegment source, DeviceStream stream);

	/** Queues a copy from the buffer into host memory on a stream (see {@link #writeAsync}). */
	void readAsync(long offset, MemorySegment target, DeviceStream stream);

	/** Queues a device-to-device copy of {@code bytes} from this buffer into {@code target} on a stream. */
	void copyTo(long offset, DeviceBuffer target, long targetOffset, long bytes, DeviceStream stream);

	/** Queues setting {@code bytes} bytes from {@code offset} to zero on a stream. */
	void clear(long offset, long bytes, DeviceStream stream);

	@Override
	void close();
}
