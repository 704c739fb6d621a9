package dev.atelier.testing.devices;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

import dev.atelier.device.Device;
import dev.atelier.device.spi.PhysicalDevice;

/**
 * A GPU for the device service's own tests: its driver reports the total less what the test says others use and
 * what was allocated through it; allocations keep books only (no data, no kernels).
 */
public final class FakeGpu implements PhysicalDevice {

	private final Device device;
	private final long headroom;
	private final AtomicLong allocated = new AtomicLong();
	/** Memory that other programs use, as the test sets it. */
	public final AtomicLong othersUse = new AtomicLong();

	public FakeGpu(Device device, long headroom) {
		this.device = device;
		this.headroom = headroom;
	}

	/** A simulated card {@code sim:NAME} of {@code totalBytes} with 512 MiB of headroom. */
	public static FakeGpu of(String name, long totalBytes) {
		return new FakeGpu(TestDevices.simulated(name, totalBytes), 512L << 20);
	}

	@Override
	public Device device() {
		return device;
	}

	@Override
	public long freeBytes() {
		return device.totalBytes() - othersUse.get() - allocated.get();
	}

	@Override
	public long defaultHeadroomBytes() {
		return headroom;
	}

	/** Bytes allocated through it now. */
	public long allocatedBytes() {
		return allocated.get();
	}

	@Override
	public NativeContext open() {
		return new NativeContext() {
			@Override
			public long allocate(long bytes) {
				if (allocated.addAndGet(bytes) > device.totalBytes() - othersUse.get()) {
					allocated.addAndGet(-bytes);
					throw new IllegalStateException(device.id() + ": out of memory");
				}
				return 0;
			}

			@Override
			public void free(long address, long bytes) {
				allocated.addAndGet(-bytes);
			}

			@Override
			public void copyToDevice(long address, long offset, MemorySegment source) {
				throw new UnsupportedOperationException(device.id() + " keeps books, not data");
			}

			@Override
			public void copyToHost(long address, long offset, MemorySegment target) {
				throw new UnsupportedOperationException(device.id() + " keeps books, not data");
			}

			@Override
			public void copyDevice(long source, long sourceOffset, long target, long targetOffset, long bytes, long stream) {
				throw new UnsupportedOperationException(device.id() + " keeps books, not data");
			}

			@Override
			public void clear(long address, long offset, long bytes, long stream) {
				throw new UnsupportedOperationException(device.id() + " keeps books, not data");
			}

			@Override
			public void close() {
			}
		};
	}
}
