package dev.atelier.device;

/**
 * Work on one device under one lease: binds the device's (shared, primary) context to the calling thread,
 * hands out streams, and allocates device memory that counts against the lease. Closing it frees what it
 * allocated and destroys its streams.
 */
public interface ComputeContext extends AutoCloseable {

	VramLease lease();

	Device device();

	/** Makes the device's context current on this thread until the returned handle is closed. */
	Binding bind();

	DeviceStream newStream();

	/**
	 * Allocates device memory. Throws {@link IllegalStateException} when the lease has fewer bytes left,
	 * naming the lease, what is left and what was asked.
	 */
	DeviceBuffer allocate(long bytes);

	/**
	 * Host memory for fast transfers: pinned where the backend can pin (CUDA), else ordinary native memory.
	 * Freed when closed or with the context.
	 */
	HostBuffer allocateHost(long bytes);

	/**
	 * Loads a module image, e.g. a kernel bundle's resource: a cubin or fatbin, or PTX text for the driver's JIT.
	 * Throws {@link UnsupportedOperationException} on devices that run no CUDA code (CPU, simulated).
	 */
	DeviceModule loadModule(byte[] image);

	/** Bytes currently allocated through this context. */
	long allocatedBytes();

	@Override
	void close();

	interface Binding extends AutoCloseable {
		@Override
		void close();
	}
}
