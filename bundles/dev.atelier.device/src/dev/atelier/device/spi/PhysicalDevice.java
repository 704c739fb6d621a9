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

		@Override
		void close();
	}
}
