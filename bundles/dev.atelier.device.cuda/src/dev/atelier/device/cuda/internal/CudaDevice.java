package dev.atelier.device.cuda.internal;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuFuncSetAttribute;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;
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
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;

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

	private static final class Event extends CUevent {
		long address() {
			return getNativePointer();
		}
	}

	private static final class GraphExec extends CUgraphExec {
		long address() {
			return getNativePointer();
		}
	}

	private static final class HostPointer extends Pointer {
		long address() {
			return getNativePointer();
		}
	}

	/** The default dynamic shared memory limit; a launch asking for more must raise the kernel's limit first. */
	private static final int DEFAULT_SHARED_BYTES = 48 * 1024;
	/** JCuda passes host memory as direct buffers, which hold at most 2 GiB: larger copies go in slices. */
	private static final long SLICE_BYTES = 1L << 30;

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
		Map<Long, Integer> sharedLimit = new ConcurrentHashMap<>();
		Map<Long, Event> events = new ConcurrentHashMap<>();
		Map<Long, HostPointer> pinned = new ConcurrentHashMap<>();
		Map<Long, GraphExec> graphs = new ConcurrentHashMap<>();
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
			public MemorySegment allocatePinned(long bytes) {
				HostPointer pointer = new HostPointer();
				try (Pushed pushed = push()) {
					CudaException.check(cuMemHostAlloc(pointer, bytes, 0), "cuMemHostAlloc(" + bytes + ")", device.id());
				}
				pinned.put(pointer.address(), pointer);
				return MemorySegment.ofAddress(pointer.address()).reinterpret(bytes);
			}

			@Override
			public void freePinned(MemorySegment segment) {
				HostPointer pointer = pinned.remove(segment.address());
				if (pointer != null) {
					try (Pushed pushed = push()) {
						CudaException.check(cuMemFreeHost(pointer), "cuMemFreeHost", device.id());
					}
				}
			}

			@Override
			public void copyToDeviceAsync(long address, long offset, MemorySegment source, long stream) {
				if (!source.isNative()) {
					copyToDevice(address, offset, source);
					return;
				}
				try (Pushed pushed = push()) {
					for (long at = 0; at < source.byteSize(); at += SLICE_BYTES) {
						MemorySegment slice = source.asSlice(at, Math.min(SLICE_BYTES, source.byteSize() - at));
						CudaException.check(cuMemcpyHtoDAsync(at(address, offset + at), Pointer.to(slice.asByteBuffer()), slice.byteSize(),
								streams.get(stream)), "cuMemcpyHtoDAsync", device.id());
					}
				}
			}

			@Override
			public void copyToHostAsync(long address, long offset, MemorySegment target, long stream) {
				if (!target.isNative()) {
					copyToHost(address, offset, target);
					return;
				}
				try (Pushed pushed = push()) {
					for (long at = 0; at < target.byteSize(); at += SLICE_BYTES) {
						MemorySegment slice = target.asSlice(at, Math.min(SLICE_BYTES, target.byteSize() - at));
						CudaException.check(cuMemcpyDtoHAsync(Pointer.to(slice.asByteBuffer()), at(address, offset + at), slice.byteSize(),
								streams.get(stream)), "cuMemcpyDtoHAsync", device.id());
					}
				}
			}

			@Override
			public void copyDevice(long source, long sourceOffset, long target, long targetOffset, long bytes, long stream) {
				try (Pushed pushed = push()) {
					CudaException.check(cuMemcpyDtoDAsync(at(target, targetOffset), at(source, sourceOffset), bytes, streams.get(stream)),
							"cuMemcpyDtoDAsync", device.id());
				}
			}

			@Override
			public void clear(long address, long offset, long bytes, long stream) {
				try (Pushed pushed = push()) {
					CudaException.check(cuMemsetD8Async(at(address, offset), (byte) 0, bytes, streams.get(stream)), "cuMemsetD8Async", device.id());
				}
			}

			@Override
			public long recordMark(long stream) {
				Event event = new Event();
				try (Pushed pushed = push()) {
					CudaException.check(cuEventCreate(event, 0), "cuEventCreate", device.id());
					CudaException.check(cuEventRecord(event, streams.get(stream)), "cuEventRecord", device.id());
				}
				events.put(event.address(), event);
				return event.address();
			}

			@Override
			public double millisBetween(long earlier, long later) {
				float[] ms = new float[1];
				try (Pushed pushed = push()) {
					CudaException.check(cuEventSynchronize(events.get(later)), "cuEventSynchronize", device.id());
					CudaException.check(cuEventElapsedTime(ms, events.get(earlier), events.get(later)), "cuEventElapsedTime", device.id());
				}
				return ms[0];
			}

			@Override
			public void waitForMark(long stream, long mark) {
				try (Pushed pushed = push()) {
					CudaException.check(cuStreamWaitEvent(streams.get(stream), events.get(mark), 0), "cuStreamWaitEvent", device.id());
				}
			}

			@Override
			public void releaseMark(long mark) {
				Event event = events.remove(mark);
				if (event != null) {
					try (Pushed pushed = push()) {
						CudaException.check(cuEventDestroy(event), "cuEventDestroy", device.id());
					}
				}
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
					if (sharedBytes > sharedLimit.getOrDefault(function, DEFAULT_SHARED_BYTES)) {
						CudaException.check(cuFuncSetAttribute(functions.get(function), CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
								sharedBytes), "cuFuncSetAttribute(max dynamic shared memory " + sharedBytes + ")", device.id());
						sharedLimit.put(function, sharedBytes);
					}
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
			public void beginCapture(long stream) {
				// relaxed: a buffer allocated while recording (a scratch area growing) is not an error
				try (Pushed pushed = push()) {
					CudaException.check(cuStreamBeginCapture(streams.get(stream), CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED),
							"cuStreamBeginCapture", device.id());
				}
			}

			@Override
			public long endCapture(long stream) {
				CUgraph graph = new CUgraph();
				GraphExec exec = new GraphExec();
				try (Pushed pushed = push()) {
					CudaException.check(cuStreamEndCapture(streams.get(stream), graph), "cuStreamEndCapture", device.id());
					try {
						CudaException.check(cuGraphInstantiate(exec, graph, 0), "cuGraphInstantiate", device.id());
					} finally {
						cuGraphDestroy(graph); // the executable graph keeps what it needs
					}
				}
				graphs.put(exec.address(), exec);
				return exec.address();
			}

			@Override
			public void launchGraph(long graph, long stream) {
				try (Pushed pushed = push()) {
					CudaException.check(cuGraphLaunch(graphs.get(graph), streams.get(stream)), "cuGraphLaunch", device.id());
				}
			}

			@Override
			public void destroyGraph(long graph) {
				GraphExec exec = graphs.remove(graph);
				if (exec != null) {
					try (Pushed pushed = push()) {
						CudaException.check(cuGraphExecDestroy(exec), "cuGraphExecDestroy", device.id());
					}
				}
			}

			@Override
			public void close() {
				graphs.keySet().forEach(this::destroyGraph);
				events.keySet().forEach(this::releaseMark);
				pinned.values().forEach(p -> freePinned(MemorySegment.ofAddress(p.address())));
				buffers.keySet().forEach(address -> free(address, 0));
				streams.keySet().forEach(this::destroyStream);
				modules.keySet().forEach(this::unloadModule);
			}
		};
	}
}
