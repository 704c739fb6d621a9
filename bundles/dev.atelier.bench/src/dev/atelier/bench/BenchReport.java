package dev.atelier.bench;

import java.util.List;
import java.util.Locale;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.JsonSerializer;

/**
 * What one {@code atelier bench} run measured: its results, what it skipped and why, what failed (a wrong
 * result, an error), the devices and the reference implementation it ran against. Written as JSON (and read back to compare runs) and as a table.
 */
public record BenchReport(String startedAt, List<String> devices, List<BenchResult> results, List<String> skipped, List<String> failures,
		String reference) {

	/** Every result carries percentOfPeak (null where no peak applies); reference and ratio only where a reference ran. */
	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().serializeNulls()
			.registerTypeAdapter(BenchResult.class, (JsonSerializer<BenchResult>) (r, type, context) -> {
				JsonObject o = new JsonObject();
				o.addProperty("name", r.name());
				o.addProperty("group", r.group());
				o.addProperty("value", r.value());
				o.addProperty("unit", r.unit());
				o.add("percentOfPeak", r.percentOfPeak() == null ? JsonNull.INSTANCE : new JsonPrimitive(r.percentOfPeak()));
				if (r.peak() != null) {
					o.addProperty("peak", r.peak());
				}
				if (r.reference() != null) {
					o.addProperty("reference", r.reference());
					o.addProperty("ratio", r.ratio());
				}
				if (r.timing() != null) {
					o.add("timing", context.serialize(r.timing()));
				}
				if (r.note() != null) {
					o.addProperty("note", r.note());
				}
				return o;
			}).create();

	public BenchReport {
		devices = List.copyOf(devices);
		results = List.copyOf(results);
		skipped = List.copyOf(skipped);
		failures = failures == null ? List.of() : List.copyOf(failures);
	}

	public String toJson() {
		return GSON.toJson(this);
	}

	/** A report saved by {@link #toJson}; throws {@link IllegalArgumentException} saying what is wrong. */
	public static BenchReport fromJson(String json, String source) {
		JsonElement tree;
		try {
			tree = JsonParser.parseString(json);
		} catch (RuntimeException e) { // Gson's syntax errors
			throw new IllegalArgumentException(source + ": not an atelier bench report: " + e.getMessage(), e);
		}
		if (!tree.isJsonObject() || !tree.getAsJsonObject().has("results") || !tree.getAsJsonObject().get("results").isJsonArray()) {
			throw new IllegalArgumentException(source + ": not an atelier bench report (no \"results\")");
		}
		JsonObject root = tree.getAsJsonObject();
		for (String list : new String[] { "devices", "skipped", "failures" }) {
			if (!root.has(list)) {
				root.add(list, new JsonArray());
			}
		}
		try {
			return GSON.fromJson(root, BenchReport.class);
		} catch (RuntimeException e) { // a field of the wrong type
			throw new IllegalArgumentException(source + ": not an atelier bench report: " + e.getMessage(), e);
		}
	}

	/** The results as a fixed-width table, then the skipped suites and the reference. */
	public String table() {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "%-46s %12s %-8s %8s %12s %7s   %s%n", "benchmark", "value", "unit", "% peak", "reference", "ratio",
				"min/median/max ms"));
		for (BenchResult r : results) {
			out.append(String.format(Locale.ROOT, "%-46s %12s %-8s %8s %12s %7s   %s%s%n", r.name(), number(r.value()), r.unit(),
					r.percentOfPeak() == null ? "" : String.format(Locale.ROOT, "%.1f", r.percentOfPeak()),
					r.reference() == null ? "" : number(r.reference()), r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", r.ratio()),
					r.timing() == null ? "" : String.format(Locale.ROOT, "%.4g/%.4g/%.4g", r.timing().minMs(), r.timing().medianMs(), r.timing().maxMs()),
					r.note() == null ? "" : "  " + r.note()));
		}
		results.stream().filter(r -> r.peak() != null).map(BenchResult::peak).distinct()
				.forEach(p -> out.append("peak: ").append(p).append(System.lineSeparator()));
		skipped.forEach(s -> out.append(s).append(System.lineSeparator()));
		failures.forEach(s -> out.append("FAILED ").append(s).append(System.lineSeparator()));
		if (reference != null) {
			out.append("reference: ").append(reference).append(System.lineSeparator());
		}
		return out.toString();
	}

	private static String number(double v) {
		return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
	}
}
