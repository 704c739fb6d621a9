package dev.atelier.power.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.power.Metric;
import dev.atelier.power.PowerTables;
import dev.atelier.power.Sample;
import dev.atelier.power.TelemetryException;
import dev.atelier.power.TelemetrySource;

/**
 * Replays a CSV trace that {@code atelier power --watch --csv} recorded, in a loop, as the simulated device
 * {@code sim:trace}: each device of the trace plays back its samples at their recorded spacing. Energy counters
 * are shifted per loop so that they keep rising.
 */
public final class TraceReplay implements TelemetrySource {

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS");

	private final Map<String, List<Sample>> traces = new HashMap<>();
	private final List<String> ids = new ArrayList<>();
	private final LongSupplier clock;
	private final long start;

	/** Reads the trace; a file that is not one is refused with its name and the line at fault. */
	public TraceReplay(Path csv, LongSupplier clock) {
		this.clock = clock;
		this.start = clock.getAsLong();
		List<String> lines;
		try {
			AtomicFiles.requireRegular(csv); // a FIFO would block the reader forever
			lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new IllegalArgumentException("cannot read the trace " + csv + ": " + e.getMessage());
		}
		if (lines.isEmpty()) {
			throw new IllegalArgumentException("the trace " + csv + " is empty");
		}
		List<String> header = List.of(lines.get(0).split(",\\s*"));
		if (header.size() < 4 || !header.get(0).equals("timestamp") || !header.get(1).equals("index")) {
			throw new IllegalArgumentException(csv + " line 1: not an atelier power trace (expected the header 'timestamp, index, name, …')");
		}
		for (int n = 1; n < lines.size(); n++) {
			if (lines.get(n).isBlank()) {
				continue;
			}
			String[] cells = lines.get(n).split(",\\s*");
			if (cells.length != header.size()) {
				throw new IllegalArgumentException(csv + " line " + (n + 1) + ": " + cells.length + " cells, the header has " + header.size());
			}
			long millis;
			try {
				millis = LocalDateTime.parse(cells[0], TIMESTAMP).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
			} catch (DateTimeParseException e) {
				throw new IllegalArgumentException(csv + " line " + (n + 1) + ": bad timestamp '" + cells[0] + "'");
			}
			Map<Metric, Double> values = new EnumMap<>(Metric.class);
			for (int c = 3; c < cells.length; c++) {
				Metric metric = metric(header.get(c));
				if (metric != null && !cells[c].equals(PowerTables.UNAVAILABLE)) {
					values.put(metric, number(metric, cells[c], csv, n + 1));
				}
			}
			String id = "sim:trace:" + cells[1];
			traces.computeIfAbsent(id, k -> {
				ids.add(k);
				return new ArrayList<>();
			}).add(new Sample(id, cells[2] + " (trace)", millis, values));
		}
		if (traces.isEmpty()) {
			throw new IllegalArgumentException("the trace " + csv + " has a header but no samples");
		}
	}

	private static Metric metric(String field) {
		for (Metric m : Metric.values()) {
			if (m.field().equals(field)) {
				return m;
			}
		}
		return null;
	}

	private static double number(Metric metric, String cell, Path csv, int line) {
		try {
			return switch (metric) {
			case PSTATE -> Double.parseDouble(cell.substring(1));
			case CLOCKS_EVENT_REASONS -> (double) Long.parseUnsignedLong(cell.substring(2), 16);
			default -> Double.parseDouble(cell);
			};
		} catch (RuntimeException e) {
			throw new IllegalArgumentException(csv + " line " + line + ": '" + cell + "' is not a value of " + metric.field());
		}
	}

	@Override
	public boolean simulated() {
		return true;
	}

	@Override
	public List<String> deviceIds() {
		return List.copyOf(ids);
	}

	@Override
	public Sample sample(String deviceId) {
		List<Sample> trace = traces.get(deviceId);
		if (trace == null) {
			throw new TelemetryException("no traced device " + deviceId);
		}
		long first = trace.get(0).epochMillis();
		long span = Math.max(1, trace.get(trace.size() - 1).epochMillis() - first);
		long now = clock.getAsLong();
		long elapsed = now - start;
		long loop = elapsed / span;
		long at = first + elapsed % span;
		Sample recorded = trace.get(0);
		for (Sample s : trace) {
			if (s.epochMillis() > at) {
				break;
			}
			recorded = s;
		}
		Map<Metric, Double> values = new EnumMap<>(Metric.class);
		values.putAll(recorded.values());
		Double lastEnergy = trace.get(trace.size() - 1).values().get(Metric.TOTAL_ENERGY);
		Double firstEnergy = trace.get(0).values().get(Metric.TOTAL_ENERGY);
		if (values.containsKey(Metric.TOTAL_ENERGY) && lastEnergy != null && firstEnergy != null) {
			values.put(Metric.TOTAL_ENERGY, values.get(Metric.TOTAL_ENERGY) + loop * (lastEnergy - firstEnergy));
		}
		return new Sample(deviceId, recorded.deviceName(), now, values);
	}
}
