package dev.atelier.device.sim.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.atelier.device.Backend;
import dev.atelier.device.ComputeCapability;
import dev.atelier.device.Device;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.device.spi.Bytes;
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

	private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([kmgKMG]?)");

	private final long baseline;
	private final long headroom;

	private SimulatedDevice(Device device, long baseline, long headroom) {
		super(device, "is simulated", headroom, () -> device.totalBytes() - baseline);
		this.baseline = baseline;
		this.headroom = headroom;
	}

	/** The same card as the {@code ordinal}-th one added. */
	SimulatedDevice withOrdinal(int ordinal) {
		Device d = device();
		return new SimulatedDevice(new Device(d.id(), d.name(), d.backend(), ordinal, d.computeCapability(), d.multiprocessors(), d.coreClockKHz(),
				d.memoryClockKHz(), d.memoryBusWidthBits(), d.totalBytes(), d.simdWidthBits(), d.driverVersion(), d.cudaVersion(), d.pciBusId()), baseline, headroom);
	}

	public static List<String> profiles() {
		return List.copyOf(PROFILES.keySet());
	}

	/**
	 * The simulated device of a profile; {@code PROFILE=SIZE} (bytes, or KiB, MiB, GiB with k, m, g: {@code rtx4090=1100m})
	 * is that card with SIZE of memory, all of it leasable (no driver baseline, no headroom): a small card for trying what
	 * fits. Throws {@link IllegalArgumentException} naming the known profiles, or the malformed size.
	 */
	public static SimulatedDevice of(String profile) {
		int sized = profile.indexOf('=');
		String name = sized < 0 ? profile : profile.substring(0, sized);
		Device d = PROFILES.get(name);
		if (d == null) {
			throw new IllegalArgumentException("unknown simulation profile '" + name + "'; known: " + String.join(", ", PROFILES.keySet()));
		}
		if (sized < 0) {
			return new SimulatedDevice(d, BASELINE_BYTES, HEADROOM_BYTES);
		}
		Matcher m = SIZE.matcher(profile.substring(sized + 1));
		long bytes = m.matches() ? Long.parseLong(m.group(1)) << switch (m.group(2).toLowerCase(Locale.ROOT)) {
		case "k" -> 10;
		case "m" -> 20;
		case "g" -> 30;
		default -> 0;
		} : 0;
		if (bytes <= 0 || bytes > d.totalBytes()) {
			throw new IllegalArgumentException("simulated card '" + profile + "': the size after '=' must be 1 byte to " + Bytes.format(d.totalBytes())
					+ " (the " + name + "'s memory), in bytes or with k, m or g for KiB, MiB, GiB, e.g. " + name + "=1100m");
		}
		return new SimulatedDevice(new Device(SimulatedDevices.PREFIX + profile, d.name().replace("(simulated)", "(simulated, " + Bytes.format(bytes) + ")"),
				d.backend(), 0, d.computeCapability(), d.multiprocessors(), d.coreClockKHz(), d.memoryClockKHz(), d.memoryBusWidthBits(), bytes,
				d.simdWidthBits(), d.driverVersion(), d.cudaVersion(), d.pciBusId()), 0, 0);
	}
}
