package dev.atelier.testing.devices;

import java.util.concurrent.atomic.AtomicLong;

import dev.atelier.device.Device;
import dev.atelier.device.spi.LedgerDevice;

/**
 * A GPU for the device service's own tests: its driver reports the total less what the test says others use and
 * what was allocated through it; allocations keep books only (no data, no kernels).
 */
public final class FakeGpu extends LedgerDevice {

	/** Memory that other programs use, as the test sets it. */
	public final AtomicLong othersUse;

	public FakeGpu(Device device, long headroom) {
		this(device, headroom, new AtomicLong());
	}

	private FakeGpu(Device device, long headroom, AtomicLong othersUse) {
		super(device, "is a fake", headroom, () -> device.totalBytes() - othersUse.get());
		this.othersUse = othersUse;
	}

	/** A simulated card {@code sim:NAME} of {@code totalBytes} with 512 MiB of headroom. */
	public static FakeGpu of(String name, long totalBytes) {
		return new FakeGpu(TestDevices.simulated(name, totalBytes), 512L << 20);
	}
}
