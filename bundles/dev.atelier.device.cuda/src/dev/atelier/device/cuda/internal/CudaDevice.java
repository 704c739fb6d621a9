package dev.atelier.device.cuda.internal;

import static jcuda.driver.JCudaDriver.cuCtxPopCurrent;
import static jcuda.driver.JCudaDriver.cuCtxPushCurrent;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.atelier.device.Device;
import dev.atelier.device.spi.PhysicalDevice;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
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
	private static final class DevicePointer extends CUdeviceptr {
		long address() {
			return getNativePointer();
		}
	}

	private static final class Stream extends CUstream {
		long address() {
			return getNativePointer();
		}
	}

	private static final class Module extends CUmodule {
		long address() {
			return getNativePointer();
		}
	}

	private static final class Function extends CUfunction {
		long address() {
			return getNativePointer();
		}
	}

	/** JCuda copies from direct buffers; a heap segment is staged through native memory. */
	private static void withNative(MemorySegment segment, boolean copyBack, java.util.function.Consumer<Pointer> body) {
		if (segment.isNative()) {
			body.accept(Pointer.to(segment.asByteBuffer()));
			return;
		}
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment staged = arena.allocate(segment.byteSize(), 16);
			staged.copyFrom(segment);
			body.accept(Pointer.to(staged.asByteBuffer()));
			if (copyBack) {
				segment.copyFrom(staged);
			}
		}
	}

	@Override
	public NativeContext open() {
		Map<Long, DevicePointer> buffers = new ConcurrentHashMap<>();
		Map<Long, Stream> streams = new ConcurrentHashMap<>();
		Map<Long, Module> modules = new ConcurrentHashMap<>();
		Map<Long, Function> functions = new ConcurrentHashMap<>();
		return new NativeContext() {
			@Override
			public AutoCloseable bind() {
				return push();
			}

			@Override
			public long allocate(long bytes) {
				DevicePointer pointer = new DevicePointer();
				try (Pushed pushed = push()) {
					CudaException.check(cuMemAlloc(pointer, bytes), "cuMemAlloc(" + bytes + ")", device.id());
				}
				buffers.put(pointer.address(), pointer);
				return pointer.address();
			}

			@Override
			public void free(long address, long bytes) {
				DevicePointer pointer = buffers.remove(address);
				if (pointer != null) {
					try (Pushed pushed = push()) {
						CudaException.check(cuMemFree(pointer), "cuMemFree", device.id());
					}
				}
			}

			private CUdeviceptr at(long address, long offset) {
				DevicePointer pointer = buffers.get(address);
				if (pointer == null) {
					throw new IllegalArgumentException("no buffer at 0x" + Long.toHexString(address) + " on " + device.id());
				}
				return pointer.withByteOffset(offset);
			}

			@Override
			public void copyToDevice(long address, long offset, MemorySegment source) {
				CUdeviceptr target = at(address, offset);
				withNative(source, false, host -> {
					try (Pushed pushed = push()) {
						CudaException.check(cuMemcpyHtoD(target, host, source.byteSize()), "cuMemcpyHtoD", device.id());
					}
				});
			}

			@Override
			public void copyToHost(long address, long offset, MemorySegment target) {
				CUdeviceptr source = at(address, offset);
				withNative(target, true, host -> {
					try (Pushed pushed = push()) {
						CudaException.check(cuMemcpyDtoH(host, source, target.byteSize()), "cuMemcpyDtoH", device.id());
					}
				});
			}

			@Override
			public long loadModule(byte[] image) {
				Module module = new Module();
				// PTX is text the driver reads up to a NUL; cubins and fatbins are binary and start with ELF or fatbin magic.
				byte[] data = image.length > 0 && image[0] != 0x7f && image[0] != 0x50 && image[image.length - 1] != 0
						? java.util.Arrays.copyOf(image, image.length + 1) : image;
				try (Pushed pushed = push()) {
					CudaException.check(cuModuleLoadData(module, data), "cuModuleLoadData", device.id());
				}
				modules.put(module.address(), module);
				return module.address();
			}

			@Override
			public void unloadModule(long module) {
				Module m = modules.remove(module);
				if (m != null) {
					try (Pushed pushed = push()) {
						CudaException.check(cuModuleUnload(m), "cuModuleUnload", device.id());
					}
				}
			}

			@Override
			public long function(long module, String name) {
				Function function = new Function();
				try (Pushed pushed = push()) {
					CudaException.check(cuModuleGetFunction(function, modules.get(module), name), "cuModuleGetFunction(" + name + ")", device.id());
				}
				functions.put(function.address(), function);
				return function.address();
			}

			@Override
			public void launch(long function, int[] grid, int[] block, int sharedBytes, long stream, Object[] args) {
				Pointer[] params = new Pointer[args.length];
				for (int i = 0; i < args.length; i++) {
					params[i] = switch (args[i]) {
					case PhysicalDevice.DevicePointer p -> Pointer.to(at(p.address(), 0));
					case Integer v -> Pointer.to(new int[] { v });
					case Long v -> Pointer.to(new long[] { v });
					case Float v -> Pointer.to(new float[] { v });
					case Double v -> Pointer.to(new double[] { v });
					default -> throw new IllegalArgumentException("unsupported kernel argument " + args[i]);
					};
				}
				try (Pushed pushed = push()) {
					CudaException.check(cuLaunchKernel(functions.get(function), grid[0], grid[1], grid[2], block[0], block[1], block[2], sharedBytes,
							stream == 0 ? null : streams.get(stream), Pointer.to(params), null), "cuLaunchKernel", device.id());
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
				modules.keySet().forEach(this::unloadModule);
			}
		};
	}
}
