package dev.atelier.device;

/** Device memory from {@link ComputeContext#allocate}; closing it frees the memory and returns it to the lease. */
public interface DeviceBuffer extends AutoCloseable {

	long bytes();

	/** The device pointer (CUDA) or native address (CPU); 0 for a simulated device. */
	long address();

	@Override
	void close();
}
