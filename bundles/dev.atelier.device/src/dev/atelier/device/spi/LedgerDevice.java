package dev.atelier.device.spi;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.atelier.device.Device;

/**
 * A device without memory of its own (a simulated card, a test's fake GPU): allocations only move a count against a
 * capacity, exactly as a driver's free memory would move; nothing is stored and no kernel runs.
 */
public class LedgerDevice implements PhysicalDevice {

	private final Device device;
	private final String nature;
	private final long headroom;
	private final LongSupplier capacity;
	private final AtomicLong allocated = new AtomicLong();

	/**
	 * @param nature   what the device is, for the messages that refuse data and kernels: "{id} {nature}: it keeps books, not data"
	 * @param headroom the bytes kept out of every budget
	 * @param capacity the bytes all allocations together may take, asked at each allocation (it may change)
	 */
	public LedgerDevice(Device device, String nature, long headroom, LongSupplier capacity) {
		this.device = device;
		this.nature = nature;
		this.headroom = headroom;
		this.capacity = capacity;
	}

	@Override
	public Device device() {
		return device;
	}

	/** The capacity less what is allocated: what a driver would report free. */
	@Override
	public long freeBytes() {
		return capacity.getAsLong() - allocated.get();
	}

	@Override
	public long defaultHeadroomBytes() {
		return headroom;
	}

	/** Bytes allocated now. */
	public long allocatedBytes() {
		return allocated.get();
	}

	/** A native context that allocates from the ledger (address 0) and refuses copies and kernels. */
	@Override
	public NativeContext open() {
		return new NativeContext() {
			@Override
			public String noKernels() {
				return device.id() + " " + nature + ": it runs no kernels";
			}

			@Override
			public long allocate(long bytes) {
				if (allocated.addAndGet(bytes) > capacity.getAsLong()) {
					allocated.addAndGet(-bytes);
					throw new IllegalStateException(device.id() + ": out of memory allocating " + Bytes.format(bytes));
				}
				return 0;
			}

			@Override
			public void free(long address, long bytes) {
				allocated.addAndGet(-bytes);
			}

			@Override
			public void copyToDevice(long address, long offset, MemorySegment source) {
				throw noData();
			}

			@Override
			public void copyToHost(long address, long offset, MemorySegment target) {
				throw noData();
			}

			@Override
			public void copyDevice(long source, long sourceOffset, long target, long targetOffset, long bytes, long stream) {
				throw noData();
			}

			@Override
			public void clear(long address, long offset, long bytes, long stream) {
				throw noData();
			}

			@Override
			public void close() {
			}
		};
	}

	private UnsupportedOperationException noData() {
		return new UnsupportedOperationException(device.id() + " " + nature + ": it keeps books, not data");
	}
}
