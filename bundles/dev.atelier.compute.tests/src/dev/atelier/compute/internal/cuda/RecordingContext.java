package dev.atelier.compute.internal.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceFunction.Dim;
import dev.atelier.device.DeviceModule;
import dev.atelier.device.DeviceStream;
import dev.atelier.device.HostBuffer;
import dev.atelier.device.VramLease;

/** A compute context of a CUDA device without a GPU: buffers get made-up addresses, kernels and captures are recorded. */
final class RecordingContext implements ComputeContext {

	/** One kernel launch as queued. */
	record Launch(String kernel, Dim grid, Dim block, List<Object> args) {
	}

	final List<Launch> launches = new ArrayList<>();
	final List<String> streamEvents = new ArrayList<>();
	private final Device device;
	private long nextAddress = 0x10000;
	private long allocated;

	RecordingContext(Device device) {
		this.device = device;
	}

	List<String> kernels() {
		return launches.stream().map(Launch::kernel).toList();
	}

	@Override
	public VramLease lease() {
		throw new UnsupportedOperationException("no lease in this test");
	}

	@Override
	public Device device() {
		return device;
	}

	@Override
	public Binding bind() {
		return () -> {
		};
	}

	@Override
	public DeviceStream newStream() {
		return new DeviceStream() {
			@Override
			public long handle() {
				return 1;
			}

			@Override
			public void synchronize() {
			}

			@Override
			public Mark mark() {
				throw new UnsupportedOperationException();
			}

			@Override
			public void waitFor(Mark mark) {
			}

			@Override
			public void beginCapture() {
				streamEvents.add("begin capture");
			}

			@Override
			public Graph endCapture() {
				streamEvents.add("end capture");
				return new Graph() {
					@Override
					public void launch() {
						streamEvents.add("launch graph");
					}

					@Override
					public void close() {
						streamEvents.add("close graph");
					}
				};
			}

			@Override
			public void close() {
			}
		};
	}

	@Override
	public DeviceBuffer allocate(long bytes) {
		long address = nextAddress;
		nextAddress += (bytes + 255) / 256 * 256;
		allocated += bytes;
		return new DeviceBuffer() {
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
			}

			@Override
			public void read(long offset, MemorySegment target) {
			}

			@Override
			public void writeAsync(long offset, MemorySegment source, DeviceStream stream) {
				streamEvents.add("write " + source.byteSize());
			}

			@Override
			public void readAsync(long offset, MemorySegment target, DeviceStream stream) {
			}

			@Override
			public void copyTo(long offset, DeviceBuffer target, long targetOffset, long count, DeviceStream stream) {
				streamEvents.add("copy " + count);
			}

			@Override
			public void clear(long offset, long count, DeviceStream stream) {
			}

			@Override
			public void close() {
				allocated -= bytes;
			}
		};
	}

	@Override
	public HostBuffer allocateHost(long bytes) {
		throw new UnsupportedOperationException();
	}

	@Override
	public DeviceModule loadModule(byte[] image) {
		return new DeviceModule() {
			@Override
			public dev.atelier.device.DeviceFunction function(String name) {
				return (grid, block, sharedBytes, stream, args) -> launches.add(new Launch(name, grid, block, List.of(args)));
			}

			@Override
			public void close() {
			}
		};
	}

	@Override
	public long allocatedBytes() {
		return allocated;
	}

	@Override
	public void close() {
	}
}
