package dev.atelier.device;

/** An ordered queue of work on a device (a CUDA stream). */
public interface DeviceStream extends AutoCloseable {

	/** The native handle (CUstream), 0 where the backend has none. */
	long handle();

	/** Waits until all work queued on the stream has finished. */
	void synchronize();

	@Override
	void close();
}
