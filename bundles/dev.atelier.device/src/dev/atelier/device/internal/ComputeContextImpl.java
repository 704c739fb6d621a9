package dev.atelier.device.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceFunction;
import dev.atelier.device.DeviceModule;
import dev.atelier.device.DeviceStream;
import dev.atelier.device.HostBuffer;
import dev.atelier.device.VramLease;
import dev.atelier.device.spi.PhysicalDevice;

/** Lease accounting over a backend's native context; the same for CUDA, CPU and simulated devices. */
final class ComputeContextImpl implements ComputeContext {

	private final Arbiter.Lease lease;
	private final Device device;
	private final PhysicalDevice.NativeContext nativeContext;
	private final Set<Buffer> buffers = ConcurrentHashMap.newKeySet();
	private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
	private final Set<Module> modules = ConcurrentHashMap.newKeySet();
	private final Set<Host> hosts = ConcurrentHashMap.newKeySet();
	private final Set<StreamMark> marks = ConcurrentHashMap.newKeySet();
	private final Set<StreamGraph> graphs = ConcurrentHashMap.newKeySet();
	private volatile boolean closed;

	ComputeContextImpl(Arbiter.Lease lease, Device device, PhysicalDevice.NativeContext nativeContext) {
		this.lease = lease;
		this.device = device;
		this.nativeContext = nativeContext;
		// An evicted or released lease takes its memory with it, whatever the holder still had open.
		lease.addReclaimer(this::close);
	}

	@Override
	public VramLease lease() {
		return lease;
	}

	@Override
	public Device device() {
		return device;
	}

	@Override
	public Binding bind() {
		ensureOpen();
		AutoCloseable binding = nativeContext.bind();
		return () -> {
			try {
				binding.close();
			} catch (Exception e) {
				throw new IllegalStateException(device.id() + ": cannot unbind the context: " + e.getMessage(), e);
			}
		};
	}

	@Override
	public DeviceStream newStream() {
		ensureOpen();
		Stream stream = new Stream(nativeContext.createStream());
		streams.add(stream);
		return stream;
	}

	@Override
	public DeviceBuffer allocate(long bytes) {
		ensureOpen();
		if (bytes <= 0) {
			throw new IllegalArgumentException("allocation of " + bytes + " bytes on " + device.id());
		}
		lease.allocate(bytes);
		long address;
		try {
			address = nativeContext.allocate(bytes);
		} catch (RuntimeException e) {
			lease.free(bytes);
			throw e;
		}
		Buffer buffer = new Buffer(address, bytes);
		buffers.add(buffer);
		return buffer;
	}

	@Override
	public HostBuffer allocateHost(long bytes) {
		ensureOpen();
		if (bytes <= 0) {
			throw new IllegalArgumentException("host allocation of " + bytes + " bytes for " + device.id());
		}
		MemorySegment pinned = nativeContext.allocatePinned(bytes);
		Host host;
		if (pinned != null) {
			host = new Host(pinned, null);
		} else {
			Arena arena = Arena.ofShared();
			host = new Host(arena.allocate(bytes, 64), arena);
		}
		hosts.add(host);
		return host;
	}

	@Override
	public DeviceModule loadModule(byte[] image) {
		ensureOpen();
		Module module = new Module(nativeContext.loadModule(image));
		modules.add(module);
		return module;
	}

	@Override
	public long allocatedBytes() {
		return buffers.stream().mapToLong(Buffer::bytes).sum();
	}

	@Override
	public synchronized void close() {
		if (closed) {
			return;
		}
		closed = true;
		marks.forEach(StreamMark::close);
		graphs.forEach(StreamGraph::close);
		hosts.forEach(Host::close);
		buffers.forEach(Buffer::close);
		streams.forEach(Stream::close);
		modules.forEach(Module::close);
		nativeContext.close();
	}

	private void ensureOpen() {
		if (closed) {
			throw new IllegalStateException("the compute context of lease " + lease.id() + " on " + device.id() + " is closed");
		}
	}

	/** What a context hands out: closed at most once, by its holder or with the context; {@link #release} frees it. */
	private abstract static class Owned implements AutoCloseable {
		private boolean closed;

		final synchronized boolean isClosed() {
			return closed;
		}

		@Override
		public final void close() {
			synchronized (this) {
				if (closed) {
					return;
				}
				closed = true;
			}
			release();
		}

		abstract void release();
	}

	private final class Buffer extends Owned implements DeviceBuffer {
		private final long address;
		private final long bytes;

		Buffer(long address, long bytes) {
			this.address = address;
			this.bytes = bytes;
		}

		@Override
		public long bytes() {
			return bytes;
		}

		@Override
		public long address() {
			return address;
		}

		@Override
		public void write(long offset, MemorySegment source) {
			checkRange(offset, source.byteSize());
			nativeContext.copyToDevice(address, offset, source);
		}

		@Override
		public void read(long offset, MemorySegment target) {
			checkRange(offset, target.byteSize());
			nativeContext.copyToHost(address, offset, target);
		}

		@Override
		public void writeAsync(long offset, MemorySegment source, DeviceStream stream) {
			checkRange(offset, source.byteSize());
			nativeContext.copyToDeviceAsync(address, offset, source, handle(stream));
		}

		@Override
		public void readAsync(long offset, MemorySegment target, DeviceStream stream) {
			checkRange(offset, target.byteSize());
			nativeContext.copyToHostAsync(address, offset, target, handle(stream));
		}

		@Override
		public void copyTo(long offset, DeviceBuffer target, long targetOffset, long bytes, DeviceStream stream) {
			checkRange(offset, bytes);
			if (!(target instanceof Buffer other) || !buffers.contains(other)) {
				throw new IllegalArgumentException("the target of a copy on " + device.id() + " must be a live buffer of the same compute context");
			}
			other.checkRange(targetOffset, bytes);
			nativeContext.copyDevice(address, offset, other.address, targetOffset, bytes, handle(stream));
		}

		@Override
		public void clear(long offset, long bytes, DeviceStream stream) {
			checkRange(offset, bytes);
			nativeContext.clear(address, offset, bytes, handle(stream));
		}

		private void checkRange(long offset, long length) {
			if (isClosed()) {
				throw new IllegalStateException("buffer of " + bytes + " bytes on " + device.id() + " was freed");
			}
			if (offset < 0 || length < 0 || offset + length > bytes) {
				throw new IndexOutOfBoundsException("copy of " + length + " bytes at " + offset + " outside a buffer of " + bytes + " bytes on "
						+ device.id());
			}
		}

		@Override
		void release() {
			buffers.remove(this);
			nativeContext.free(address, bytes);
			lease.free(bytes);
		}
	}

	private static long handle(DeviceStream stream) {
		return stream == null ? 0 : stream.handle();
	}

	private final class Host extends Owned implements HostBuffer {
		private final MemorySegment segment;
		private final Arena arena;

		Host(MemorySegment segment, Arena arena) {
			this.segment = segment;
			this.arena = arena;
		}

		@Override
		public MemorySegment segment() {
			return segment;
		}

		@Override
		public boolean pinned() {
			return arena == null;
		}

		@Override
		void release() {
			hosts.remove(this);
			if (arena == null) {
				nativeContext.freePinned(segment);
			} else {
				arena.close();
			}
		}
	}

	private final class StreamMark extends Owned implements DeviceStream.Mark {
		private final long handle;

		StreamMark(long handle) {
			this.handle = handle;
		}

		@Override
		public double millisSince(DeviceStream.Mark earlier) {
			if (!(earlier instanceof StreamMark from) || !marks.contains(from) || !marks.contains(this)) {
				throw new IllegalArgumentException("both marks must be open marks of the same compute context on " + device.id());
			}
			return nativeContext.millisBetween(from.handle, handle);
		}

		@Override
		void release() {
			marks.remove(this);
			nativeContext.releaseMark(handle);
		}
	}

	private final class Module extends Owned implements DeviceModule {
		private final long handle;

		Module(long handle) {
			this.handle = handle;
		}

		@Override
		public DeviceFunction function(String name) {
			long function = nativeContext.function(handle, name);
			return (grid, block, sharedBytes, stream, args) -> {
				ensureOpen();
				Object[] nativeArgs = new Object[args.length];
				for (int i = 0; i < args.length; i++) {
					nativeArgs[i] = switch (args[i]) {
					case DeviceBuffer b -> new dev.atelier.device.spi.PhysicalDevice.DevicePointer(b.address());
					case Integer v -> v;
					case Long v -> v;
					case Float v -> v;
					case Double v -> v;
					default -> throw new IllegalArgumentException("kernel " + name + " argument " + i + " is a "
							+ (args[i] == null ? "null" : args[i].getClass().getSimpleName()) + "; expected a DeviceBuffer, int, long, float or double");
					};
				}
				nativeContext.launch(function, new int[] { grid.x(), grid.y(), grid.z() }, new int[] { block.x(), block.y(), block.z() },
						sharedBytes, stream == null ? 0 : stream.handle(), nativeArgs);
			};
		}

		@Override
		void release() {
			modules.remove(this);
			nativeContext.unloadModule(handle);
		}
	}

	private final class Stream extends Owned implements DeviceStream {
		private final long handle;

		Stream(long handle) {
			this.handle = handle;
		}

		@Override
		public long handle() {
			return handle;
		}

		@Override
		public void synchronize() {
			nativeContext.synchronize(handle);
		}

		@Override
		public DeviceStream.Mark mark() {
			ensureOpen();
			StreamMark mark = new StreamMark(nativeContext.recordMark(handle));
			marks.add(mark);
			return mark;
		}

		@Override
		public void waitFor(DeviceStream.Mark mark) {
			if (!(mark instanceof StreamMark m) || !marks.contains(m)) {
				throw new IllegalArgumentException("an open mark of the same compute context on " + device.id() + " is needed");
			}
			nativeContext.waitForMark(handle, m.handle);
		}

		@Override
		public void beginCapture() {
			ensureOpen();
			nativeContext.beginCapture(handle);
		}

		@Override
		public DeviceStream.Graph endCapture() {
			StreamGraph graph = new StreamGraph(this, nativeContext.endCapture(handle));
			graphs.add(graph);
			return graph;
		}

		@Override
		void release() {
			streams.remove(this);
			nativeContext.destroyStream(handle);
		}
	}

	private final class StreamGraph extends Owned implements DeviceStream.Graph {
		private final Stream stream;
		private final long handle;

		StreamGraph(Stream stream, long handle) {
			this.stream = stream;
			this.handle = handle;
		}

		@Override
		public void launch() {
			ensureOpen();
			if (isClosed() || stream.isClosed()) {
				throw new IllegalStateException("a graph on " + device.id() + " was closed, or the stream it was recorded on");
			}
			nativeContext.launchGraph(handle, stream.handle);
		}

		@Override
		void release() {
			graphs.remove(this);
			nativeContext.destroyGraph(handle);
		}
	}
}
