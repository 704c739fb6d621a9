package dev.atelier.ui.internal.parts;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import dev.atelier.model.workspace.JobRecord;

/**
 * A recorded job as the history shows it, copied out of the model (whose objects are read only under the workspace's
 * lock): what ran, where, how long, what it cost and what it wrote.
 */
record JobRow(String kind, String status, String device, long startMillis, String started, String duration, String energy, String parameters,
		List<String> outputs) {

	/** The parameter that marks a simulated card's energy (the model bundle's recorder writes it). */
	static final String SIMULATED_ENERGY = "energy";
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
	private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

	static JobRow of(JobRecord r) {
		long start = r.getStart() == null ? 0 : r.getStart().getTime();
		Map<String, String> parameters = r.getParameters().map();
		boolean simulated = parameters.containsKey(SIMULATED_ENERGY);
		String energy = !r.isSetEnergyJoules() ? "n/a"
				: String.format(Locale.ROOT, "%.1f J%s%s", r.getEnergyJoules(),
						r.isSetAverageWatts() ? String.format(Locale.ROOT, ", %.0f W avg", r.getAverageWatts()) : "", simulated ? " (simulated)" : "");
		String shownParameters = parameters.entrySet().stream().filter(e -> !e.getKey().equals(SIMULATED_ENERGY))
				.map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
		return new JobRow(r.getKind(), r.getStatus().getLiteral(), r.getDevice() == null ? "" : r.getDevice(), start, started(r), duration(r), energy,
				shownParameters, List.copyOf(r.getOutputs()));
	}

	private static String started(JobRecord r) {
		if (r.getStart() == null) {
			return "";
		}
		var at = Instant.ofEpochMilli(r.getStart().getTime()).atZone(ZoneId.systemDefault());
		return at.toLocalDate().equals(LocalDate.now()) ? TIME.format(at) : DATE_TIME.format(at);
	}

	private static String duration(JobRecord r) {
		if (r.getStart() == null || r.getEnd() == null) {
			return "";
		}
		Duration d = Duration.ofMillis(r.getEnd().getTime() - r.getStart().getTime());
		return d.toSeconds() < 60 ? String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)
				: d.toMinutes() < 60 ? String.format(Locale.ROOT, "%d min %02d s", d.toMinutes(), d.toSecondsPart())
						: String.format(Locale.ROOT, "%d h %02d min", d.toHours(), d.toMinutesPart());
	}

	/** The last part of a recorded path (a record read from disk may hold any text, so it is not parsed as a path). */
	static String fileName(String path) {
		return path.substring(path.lastIndexOf('/') + 1);
	}

	/** The outputs' file names, the first few. */
	String outputsText() {
		String names = outputs.stream().limit(3).map(JobRow::fileName).collect(Collectors.joining(", "));
		return outputs.size() > 3 ? names + " and " + (outputs.size() - 3) + " more" : names;
	}
}
