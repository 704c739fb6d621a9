package dev.atelier.power;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Samples as CSV rows (nvidia-smi's field names, {@code --format=csv,nounits} style) and as JSON-ready maps. */
public final class PowerTables {

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
	/** nvidia-smi's marker for a field the GPU does not support. */
	public static final String UNAVAILABLE = "[N/A]";

	private PowerTables() {
	}

	public static String csvHeader() {
		List<String> columns = new ArrayList<>(List.of("timestamp", "index", "name"));
		for (Metric m : Metric.values()) {
			columns.add(m.field());
		}
		return String.join(", ", columns);
	}

	public static String csvRow(Sample s) {
		List<String> cells = new ArrayList<>(List.of(TIMESTAMP.format(Instant.ofEpochMilli(s.epochMillis())), s.deviceId(), csvText(s.deviceName())));
		for (Metric m : Metric.values()) {
			cells.add(s.get(m).isPresent() ? number(m, s.get(m).getAsDouble()) : UNAVAILABLE);
		}
		return String.join(", ", cells);
	}

	private static String csvText(String text) {
		return text.contains(",") || text.contains("\"") ? '"' + text.replace("\"", "\"\"") + '"' : text;
	}

	private static String number(Metric m, double v) {
		return switch (m) {
		case POWER_DRAW, POWER_LIMIT, ENFORCED_POWER_LIMIT -> String.format(Locale.ROOT, "%.2f", v);
		case TOTAL_ENERGY -> String.format(Locale.ROOT, "%.3f", v);
		case PCIE_TX_THROUGHPUT, PCIE_RX_THROUGHPUT -> String.format(Locale.ROOT, "%.1f", v);
		case PSTATE -> "P" + (long) v;
		case CLOCKS_EVENT_REASONS -> String.format(Locale.ROOT, "0x%016X", (long) v);
		default -> String.format(Locale.ROOT, "%.0f", v);
		};
	}

	/** A sample as an ordered map: id, name, timestamp, then each available field by its nvidia-smi name. */
	public static Map<String, Object> json(Sample s) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("id", s.deviceId());
		m.put("name", s.deviceName());
		m.put("timestamp", Instant.ofEpochMilli(s.epochMillis()).toString());
		for (Metric metric : Metric.values()) {
			s.get(metric).ifPresent(v -> m.put(metric.field(), v));
		}
		s.get(Metric.CLOCKS_EVENT_REASONS).ifPresent(mask -> m.put("clocks_event_reasons.names",
				ThrottleReason.decode((long) mask).stream().map(Enum::name).toList()));
		return m;
	}
}
