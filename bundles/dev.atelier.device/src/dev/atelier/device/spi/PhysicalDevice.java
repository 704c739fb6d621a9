package dev.atelier.device.spi;

import java.lang.foreign.MemorySegment;

import dev.atelier.device.Device;

/** One device of a backend, as the arbiter drives it. */
public interface PhysicalDevice {

	Device device();

	/** Free memory as the driver (or OS) reports it now. */
	long freeBytes();

	/** Memory kept out of every budget for the driver, the desktop and other programs. */
	long defaultHeadroomBytes();

	/** A new native context for one compute context (sharing the device's primary context where there is one). */
	NativeContext open();

	/** A device buffer's address as a kernel argument. */
	record DevicePointer(long address) {
	}

	/** The thin driver layer under a {@link dev.atelier.device.ComputeContext}; accounting is done above it. */
	interface NativeContext extends AutoCloseable {

		/** Makes the device current on this thread; the returned handle undoes it. Nothing to do by default. */
		default AutoCloseable bind() {
			return () -> {
			};
		}

		/** Why this device runs no CUDA code; the default module, launch and stream methods report it. */
		default String noKernels() {
			return "this device runs no CUDA kernels";
		}

		/** Allocates and returns the address (0 is allowed for a device without real memory). */
		long allocate(long bytes);

		void free(long address, long bytes);

		void copyToDevice(long address, long offset, MemorySegment source);

		void copyToHost(long address, long offset, MemorySegment target);

		/** Page-locked host memory, or null where the backend cannot pin (the caller then uses ordinary memory). */
		default MemorySegment allocatePinned(long bytes) {
			return null;
		}

		default void freePinned(MemorySegment pinned) {
		}

		/** Queues a host-to-device copy on a stream; synchronous by default. */
		default void copyToDeviceAsync(long address, long offset, MemorySegment source, long stream) {
			copyToDevice(address, offset, source);
		}

		/** Queues a device-to-host copy on a stream; synchronous by default. */
		default void copyToHostAsync(long address, long offset, MemorySegment target, long stream) {
			copyToHost(address, offset, target);
		}

		/** Copies between two buffers of this context, on a stream. */
		void copyDevice(long source, long sourceOffset, long target, long targetOffset, long bytes, long stream);

		/** Sets bytes of a buffer to zero, on a stream. */
		void clear(long address, long offset, long bytes, long stream);

		/** Records a mark on a stream and returns its handle; by default the time of the call in nanoseconds. */
		default long recordMark(long stream) {
			return System.nanoTime();
		}

		/** Milliseconds from one mark to a later one, waiting for the later one. */
		default double millisBetween(long earlier, long later) {
			return (later - earlier) / 1e6;
		}

		default void waitForMark(long stream, long mark) {
		}

		default void releaseMark(long mark) {
		}

		/** Loads a module image and returns its handle. */
		default long loadModule(byte[] image) {
			throw new UnsupportedOperationException(noKernels());
		}

		default void unloadModule(long module) {
		}

		/** The handle of a module's kernel. */
		default long function(long module, String name) {
			throw new UnsupportedOperationException(noKernels());
		}

		/** Launches a kernel; buffer arguments arrive as {@link DevicePointer}s, scalars boxed. */
		default void launch(long function, int[] grid, int[] block, int sharedBytes, long stream, Object[] args) {
			throw new UnsupportedOperationException(noKernels());
		}

		/** A stream handle; 0 (work runs in order anyway) by default. */
		default long createStream() {
			return 0;
		}

		default void synchronize(long stream) {
		}

		default void destroyStream(long stream) {
		}

		/** Why this device records no graphs; the default capture methods report it. */
		default String noGraphs() {
			return noKernels() + ", so it records no graphs";
		}

		/** Starts capturing the work queued on a stream into a graph. */
		default void beginCapture(long stream) {
			throw new UnsupportedOperationException(noGraphs());
		}

		/** Ends the capture of a stream and returns the handle of the graph, instantiated and ready to launch. */
		default long endCapture(long stream) {
			throw new UnsupportedOperationException(noGraphs());
		}

		/** Queues a graph's work on a stream. */
		default void launchGraph(long graph, long stream) {
			throw new UnsupportedOperationException(noGraphs());
		}

		default void destroyGraph(long graph) {
		}

		@Override
		void close();
	}
}
