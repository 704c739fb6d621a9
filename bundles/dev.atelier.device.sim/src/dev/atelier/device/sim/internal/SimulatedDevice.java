package dev.atelier.device.sim.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.atelier.device.Backend;
import dev.atelier.device.ComputeCapability;
import dev.atelier.device.Device;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.device.spi.LedgerDevice;

/**
 * A GPU that exists only in the books, from a profile of a real card's published attributes: for CI, planning
 * and demos. Allocations move its free memory exactly as a driver's would, without touching any memory.
 */
public final class SimulatedDevice extends LedgerDevice {

	/** What the driver and a desktop take on a real card before any application: kept out of "free". */
	static final long BASELINE_BYTES = 300L << 20;
	static final long HEADROOM_BYTES = 512L << 20;

	private static final Map<String, Device> PROFILES = new TreeMap<>();

	static {
		// id, name, cc, SMs, boost clock kHz, memory clock kHz (as CUDA reports it), bus bits, total bytes
		profile("rtx4090", "NVIDIA GeForce RTX 4090 (simulated)", "8.9", 128, 2_520_000, 10_501_000, 384, 24L << 30);
		profile("rtx3090", "NVIDIA GeForce RTX 3090 (simulated)", "8.6", 82, 1_695_000, 9_751_000, 384, 24L << 30);
		profile("a6000", "NVIDIA RTX A6000 (simulated)", "8.6", 84, 1_800_000, 8_001_000, 384, 48L << 30);
		profile("h100", "NVIDIA H100 80GB HBM3 (simulated)", "9.0", 132, 1_980_000, 2_619_000, 5120, 80L << 30);
	}

	private static void profile(String id, String name, String cc, int sms, long clock, long memClock, int bus, long total) {
		PROFILES.put(id, new Device(SimulatedDevices.PREFIX + id, name, Backend.SIMULATED, 0, ComputeCapability.parse(cc), sms, clock, memClock,
				bus, total, 0, "", "", ""));
	}

	private SimulatedDevice(Device device) {
		super(device, "is simulated", HEADROOM_BYTES, () -> device.totalBytes() - BASELINE_BYTES);
	}

	/** The same card as the {@code ordinal}-th one added. */
	SimulatedDevice withOrdinal(int ordinal) {
		Device d = device();
		return new SimulatedDevice(new Device(d.id(), d.name(), d.backend(), ordinal, d.computeCapability(), d.multiprocessors(), d.coreClockKHz(),
				d.memoryClockKHz(), d.memoryBusWidthBits(), d.totalBytes(), d.simdWidthBits(), d.driverVersion(), d.cudaVersion(), d.pciBusId()));
	}

	public static List<String> profiles() {
		return List.copyOf(PROFILES.keySet());
	}

	/** The simulated device of a profile; throws {@link IllegalArgumentException} naming the known profiles. */
	public static SimulatedDevice of(String profile) {
		Device d = PROFILES.get(profile);
		if (d == null) {
			throw new IllegalArgumentException("unknown simulation profile '" + profile + "'; known: " + String.join(", ", PROFILES.keySet()));
		}
		return new SimulatedDevice(d);
	}
}
