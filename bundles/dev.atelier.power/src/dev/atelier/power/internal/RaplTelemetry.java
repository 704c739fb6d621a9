package dev.atelier.power.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Component;

import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.TelemetryException;
import dev.atelier.power.TelemetrySource;

/**
 * CPU package power from Linux's RAPL counters ({@code /sys/class/powercap/intel-rapl:N/energy_uj}, also on AMD),
 * where they are readable (often root only). The packages' counters are summed into one monotonic energy total
 * for the device {@code cpu}, unwrapping each counter at its {@code max_energy_range_uj}; power is the change
 * of energy since the previous sample.
 */
@Component(service = TelemetrySource.class)
public final class RaplTelemetry implements TelemetrySource {

	private final List<Path> packages = new ArrayList<>();
	private final Path powercap;
	private final LongSupplier clock;
	private long[] lastMicrojoules;
	private double totalJoules;
	private long lastMillis = -1;

	public RaplTelemetry() {
		this(Path.of("/sys/class/powercap"), System::currentTimeMillis);
	}

	public RaplTelemetry(Path powercap, LongSupplier clock) {
		this.powercap = powercap;
		this.clock = clock;
		try (DirectoryStream<Path> zones = Files.newDirectoryStream(powercap, "intel-rapl:[0-9]*")) {
			for (Path zone : zones) {
				// Package zones are intel-rapl:N; their sub-zones (intel-rapl:N:M, core, uncore, dram) are parts of them.
				if (zone.getFileName().toString().matches("intel-rapl:\\d+") && Files.isReadable(zone.resolve("energy_uj"))) {
					packages.add(zone);
				}
			}
		} catch (IOException e) {
			// no powercap: no CPU power
		}
		packages.sort(null);
	}

	@Override
	public List<String> deviceIds() {
		return packages.isEmpty() ? List.of() : List.of("cpu");
	}

	@Override
	public Optional<String> absence() {
		return packages.isEmpty() ? Optional.of("no readable RAPL counters in " + powercap + " (often root only): no CPU power")
				: Optional.empty();
	}

	@Override
	public synchronized Sample sample(String deviceId) {
		if (!deviceId.equals("cpu") || packages.isEmpty()) {
			throw new TelemetryException("no RAPL counters for " + deviceId);
		}
		long now = clock.getAsLong();
		long[] readings = new long[packages.size()];
		double added = 0;
		for (int i = 0; i < packages.size(); i++) {
			readings[i] = read(packages.get(i).resolve("energy_uj"));
			if (lastMicrojoules != null) {
				long delta = readings[i] - lastMicrojoules[i];
				if (delta < 0) {
					delta += read(packages.get(i).resolve("max_energy_range_uj"));
				}
				added += delta / 1e6;
			}
		}
		Map<Metric, Double> v = new EnumMap<>(Metric.class);
		if (lastMicrojoules != null && now > lastMillis) {
			v.put(Metric.POWER_DRAW, added / ((now - lastMillis) / 1000.0));
		}
		totalJoules += added;
		v.put(Metric.TOTAL_ENERGY, totalJoules);
		lastMicrojoules = readings;
		lastMillis = now;
		return new Sample("cpu", "CPU packages (RAPL)", now, v);
	}

	private static long read(Path file) {
		try {
			return Long.parseLong(Files.readString(file).strip());
		} catch (IOException | NumberFormatException e) {
			throw new TelemetryException("cannot read " + file + ": " + e.getMessage());
		}
	}
}
