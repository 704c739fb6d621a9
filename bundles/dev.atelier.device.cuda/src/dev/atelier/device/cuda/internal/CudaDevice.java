package dev.atelier.device.cuda.internal;

import static jcuda.driver.JCudaDriver.cuCtxPopCurrent;
import static jcuda.driver.JCudaDriver.cuCtxPushCurrent;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.atelier.device.Device;
import dev.atelier.device.spi.PhysicalDevice;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;

/** One GPU: its primary context, retained once and shared by every client, and allocations in it. */
final class CudaDevice implements PhysicalDevice {

	/** Below the driver's reported free memory, for the context's own growth and the desktop. */
	private static final long HEADROOM_BYTES = 512L << 20;

	private final Device device;
	private final CUdevice handle;
	private CUcontext primary;

	CudaDevice(Device device, CUdevice handle) {
		this.device = device;
		this.handle = handle;
	}

	/** Retains the primary context on first use: discovery alone creates no context on any GPU. */
	private synchronized CUcontext primary() {
		if (primary == null) {
			CUcontext context = new CUcontext();
			CudaException.check(cuDevicePrimaryCtxRetain(context, handle), "cuDevicePrimaryCtxRetain", device.id());
			primary = context;
		}
		return primary;
	}

	synchronized void close() {
		if (primary != null) {
			cuDevicePrimaryCtxRelease(handle);
			primary = null;
		}
	}

	@Override
	public Device device() {
		return device;
	}

	@Override
	public long freeBytes() {
		long[] free = new long[1];
		long[] total = new long[1];
		try (Pushed pushed = push()) {
			CudaException.check(cuMemGetInfo(free, total), "cuMemGetInfo", device.id());
		}
		return free[0];
	}

	@Override
	public long defaultHeadroomBytes() {
		return HEADROOM_BYTES;
	}

	private Pushed push() {
		CudaException.check(cuCtxPushCurrent(primary()), "cuCtxPushCurrent", device.id());
		return () -> cuCtxPopCurrent(new CUcontext());
	}

	private interface Pushed extends AutoCloseable {
		@Override
		void close();
	}

	/** JCuda keeps pointer values protected; a subclass reads them so that buffers can be named by address. */
	private static final class Pointer extends CUdeviceptr {
		long address() {
			return getNativePointer();
		}
	}

	private static final class Stream extends CUstream {
		long address() {
			return getNativePointer();
		}
	}

	@Override
	public NativeContext open() {
		Map<Long, Pointer> buffers = new ConcurrentHashMap<>();
		Map<Long, Stream> streams = new ConcurrentHashMap<>();
		return new NativeContext() {
			@Override
			public AutoCloseable bind() {
				return push();
			}

			@Override
			public long allocate(long bytes) {
				Pointer pointer = new Pointer();
				try (Pushed pushed = push()) {
					CudaException.check(cuMemAlloc(pointer, bytes), "cuMemAlloc(" + bytes + ")", device.id());
				}
				buffers.put(pointer.address(), pointer);
				return pointer.address();
			}

			@Override
			public void free(long address, long bytes) {
				Pointer pointer = buffers.remove(address);
				if (pointer != null) {
					try (Pushed pushed = push()) {
						CudaException.check(cuMemFree(pointer), "cuMemFree", device.id());
					}
				}
			}

			@Override
			public long createStream() {
				Stream stream = new Stream();
				try (Pushed pushed = push()) {
					CudaException.check(cuStreamCreate(stream, 0), "cuStreamCreate", device.id());
				}
				streams.put(stream.address(), stream);
				return stream.address();
			}

			@Override
			public void synchronize(long stream) {
				try (Pushed pushed = push()) {
					CudaException.check(cuStreamSynchronize(streams.get(stream)), "cuStreamSynchronize", device.id());
				}
			}

			@Override
			public void destroyStream(long stream) {
				Stream s = streams.remove(stream);
				if (s != null) {
					try (Pushed pushed = push()) {
						CudaException.check(cuStreamDestroy(s), "cuStreamDestroy", device.id());
					}
				}
			}

			@Override
			public void close() {
				buffers.keySet().forEach(address -> free(address, 0));
				streams.keySet().forEach(this::destroyStream);
			}
		};
	}
}
