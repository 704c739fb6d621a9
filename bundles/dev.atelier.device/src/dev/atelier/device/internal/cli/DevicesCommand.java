package dev.atelier.device.internal.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.google.gson.GsonBuilder;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStatus;
import dev.atelier.device.Precision;
import dev.atelier.device.VramLease;
import dev.atelier.device.internal.DeviceNotes;
import dev.atelier.device.spi.Bytes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code atelier devices [--json] [--simulate PROFILE]}. */
@Component(service = Subcommand.class)
public final class DevicesCommand implements Subcommand {

	private final DeviceService devices;
	private final DeviceNotes notes;

	@Activate
	public DevicesCommand(@Reference DeviceService devices, @Reference DeviceNotes notes) {
		this.devices = devices;
		this.notes = notes;
	}

	/** The prefix of simulated cards' ids: {@code --simulate P} asks for {@code sim:P}. */
	static final String SIMULATED = "sim:";

	/** {@code --simulate}'s help; an unknown profile is refused naming the device service's profiles. */
	static final String SIMULATE = "add a simulated device of a profile (rtx4090, rtx3090, a6000, h100); repeatable";

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Devices(ctx);
	}

	@Command(name = "devices", header = "compute devices with their attributes, theoretical peaks, memory and leases",
			description = "Lists the devices the device service arbitrates: CUDA GPUs, the CPU, and simulated GPUs.")
	private final class Devices implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--simulate", paramLabel = "PROFILE", description = SIMULATE)
		private List<String> simulate = new ArrayList<>();

		@Option(names = "--json", description = { "a JSON array of devices: id, name, backend, totalBytes, freeBytes, budgetBytes, grantedBytes, "
				+ "headroomBytes, computeCapability, multiprocessors, clocks, bus width, precisions, peaks (bytes/s, FLOP/s) and leases" })
		private boolean json;

		Devices(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			simulate(devices, simulate);
			return list(ctx, json);
		}
	}

	/** Adds the simulated devices of {@code --simulate}, refusing an unknown profile as bad usage. */
	static void simulate(DeviceService devices, List<String> profiles) {
		for (String profile : profiles) {
			try {
				devices.resolve(SIMULATED + profile);
			} catch (IllegalArgumentException e) {
				throw new UsageException("--simulate: " + e.getMessage());
			}
		}
	}

	private int list(CommandContext ctx, boolean json) {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Device d : devices.devices()) {
			rows.add(describe(devices.status(d.id()), notes.problem(d)));
		}
		if (json) {
			ctx.out().println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(rows));
			return 0;
		}
		if (rows.isEmpty()) {
			ctx.out().println("no devices (no CUDA driver, no CPU provider); try --simulate rtx4090");
		}
		for (Device d : devices.devices()) {
			DeviceStatus s = devices.status(d.id());
			ctx.out().printf(Locale.ROOT, "%s  %s  [%s%s]%n", d.id(), d.name(), d.backend().id(),
					d.computeCapability() == null ? "" : ", compute " + d.computeCapability());
			ctx.out().printf(Locale.ROOT, "    memory  %s total, %s free, %s budget, %s leased, headroom %s%n", Bytes.format(d.totalBytes()),
					Bytes.format(s.freeBytes()), Bytes.format(s.budgetBytes()), Bytes.format(s.grantedBytes()), Bytes.format(s.headroomBytes()));
			ctx.out().printf(Locale.ROOT, "    units   %d %s, %.0f MHz%s%n", d.multiprocessors(), d.computeCapability() == null ? "cores" : "SMs",
					d.coreClockKHz() / 1000.0, d.simdWidthBits() > 0 ? ", " + d.simdWidthBits() + "-bit SIMD" : "");
			ctx.out().println("    peaks   " + peaks(d));
			ctx.out().printf(Locale.ROOT, "    formats %s%n", d.precisions().stream().sorted().map(Precision::name).toList());
			notes.about(d).forEach(about -> ctx.out().println("    " + about));
			notes.warnings(d).forEach(problem -> ctx.out().println("    WARNING " + problem));
			for (VramLease l : s.leases()) {
				ctx.out().printf(Locale.ROOT, "    lease   #%d %s %s %s%n", l.id(), l.owner(), Bytes.format(l.bytes()), l.priority().name().toLowerCase());
			}
		}
		return 0;
	}

	static Map<String, Object> describe(DeviceStatus s, Optional<String> problem) {
		Device d = s.device();
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", d.id());
		m.put("name", d.name());
		m.put("backend", d.backend().id());
		m.put("totalBytes", d.totalBytes());
		m.put("freeBytes", s.freeBytes());
		m.put("budgetBytes", s.budgetBytes());
		m.put("grantedBytes", s.grantedBytes());
		m.put("headroomBytes", s.headroomBytes());
		m.put("computeCapability", d.computeCapability() == null ? null : d.computeCapability().toString());
		m.put("multiprocessors", d.multiprocessors());
		m.put("coreClockKHz", d.coreClockKHz());
		m.put("memoryClockKHz", d.memoryClockKHz());
		m.put("memoryBusWidthBits", d.memoryBusWidthBits());
		m.put("simdWidthBits", d.simdWidthBits());
		m.put("driverVersion", d.driverVersion());
		m.put("cudaVersion", d.cudaVersion());
		m.put("compatible", problem.isEmpty());
		m.put("compatibilityProblem", problem.orElse(null));
		m.put("precisions", d.precisions().stream().sorted().map(Precision::name).toList());
		m.put("peakMemoryBandwidthBytesPerSecond", d.peakMemoryBandwidth());
		m.put("peakFp32FlopsPerSecond", d.peakFp32Flops());
		m.put("peakFp16TensorFlopsPerSecond", d.peakFp16TensorFlops());
		List<Map<String, Object>> leases = new ArrayList<>();
		for (VramLease l : s.leases()) {
			Map<String, Object> lm = new LinkedHashMap<>();
			lm.put("id", l.id());
			lm.put("owner", l.owner().toString());
			lm.put("bytes", l.bytes());
			lm.put("priority", l.priority().name().toLowerCase());
			lm.put("pinned", l.pinned());
			lm.put("evictable", l.evictable());
			leases.add(lm);
		}
		m.put("leases", leases);
		return m;
	}

	/** The peaks a device states; one it does not know (a CPU's memory bandwidth, its tensor FLOPs) is said so, not 0. */
	static String peaks(Device d) {
		return String.join(", ", peak(d.peakMemoryBandwidth() / 1e9, "%.0f GB/s memory", "memory bandwidth unknown"),
				peak(d.peakFp32Flops() / 1e12, "%.1f TFLOP/s FP32", "FP32 unknown"),
				peak(d.peakFp16TensorFlops() / 1e12, "%.1f TFLOP/s FP16 tensor", "no FP16 tensor units"));
	}

	private static String peak(double value, String format, String unknown) {
		return value > 0 ? String.format(Locale.ROOT, format, value) : unknown;
	}
}
