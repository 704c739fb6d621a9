package dev.atelier.bench.internal;

import java.util.List;
import java.util.Locale;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchResult;

/** A bench report as one self-contained HTML page: the table and SVG bar charts per group, Atelier next to its reference. */
final class HtmlReport {

	private static final List<String[]> CHARTS = List.of(new String[] { "stride", "Bandwidth against stride (and random gather)" },
			new String[] { "gemm", "FP16 GEMM against size" }, new String[] { "copy", "Device-to-device copy" },
			new String[] { "transfer", "Host ↔ device transfers" }, new String[] { "stream", "STREAM" },
			new String[] { "overlap", "Copy/compute overlap" }, new String[] { "cpu-memory", "Java memory bandwidth" },
			new String[] { "cpu-gemm", "Vector-API SGEMM" });

	private HtmlReport() {
	}

	static String render(BenchReport report) {
		StringBuilder html = new StringBuilder("""
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8"><title>atelier bench</title>
				<style>
				body { font: 14px system-ui, sans-serif; margin: 2em; color: #222; }
				table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: right; } td:first-child, th:first-child { text-align: left; }
				tr:nth-child(even) { background: #f4f4f4; } .note { color: #666; text-align: left; }
				svg text { font: 12px system-ui, sans-serif; }
				</style></head><body>
				<h1>atelier bench</h1>
				""");
		html.append("<p>").append(escape(report.startedAt())).append("</p><ul>");
		report.devices().forEach(d -> html.append("<li>").append(escape(d)).append("</li>"));
		html.append("</ul>");
		if (report.reference() != null) {
			html.append("<p>Reference: ").append(escape(report.reference())).append("</p>");
		}
		for (String[] chart : CHARTS) {
			List<BenchResult> group = report.results().stream().filter(r -> r.group().equals(chart[0])).toList();
			if (!group.isEmpty()) {
				html.append("<h2>").append(escape(chart[1])).append("</h2>\n").append(bars(group)).append('\n');
			}
		}
		html.append("<h2>All results</h2><table><tr><th>benchmark</th><th>value</th><th>unit</th><th>% of peak</th><th>reference</th><th>ratio</th>")
				.append("<th>median ms</th><th class=note>note</th></tr>\n");
		for (BenchResult r : report.results()) {
			html.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.4g</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.4g</td><td class=note>%s</td></tr>%n",
					escape(r.name()), r.value(), escape(r.unit()), r.percentOfPeak() == null ? "" : String.format(Locale.ROOT, "%.1f", r.percentOfPeak()),
					r.reference() == null ? "" : String.format(Locale.ROOT, "%.4g", r.reference()),
					r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", r.ratio()), r.timing() == null ? Double.NaN : r.timing().medianMs(),
					r.note() == null ? "" : escape(r.note())));
		}
		html.append("</table>");
		report.results().stream().map(BenchResult::peak).filter(p -> p != null).distinct()
				.forEach(p -> html.append("<p>Peak: ").append(escape(p)).append("</p>"));
		report.skipped().forEach(s -> html.append("<p>").append(escape(s)).append("</p>"));
		report.failures().forEach(s -> html.append("<p><b>Failed:</b> ").append(escape(s)).append("</p>"));
		return html.append("</body></html>\n").toString();
	}

	/** Horizontal bars, one per result, with the reference's bar below it where one ran. */
	static String bars(List<BenchResult> results) {
		double max = results.stream().mapToDouble(r -> Math.max(r.value(), r.reference() == null ? 0 : r.reference())).max().orElse(1);
		int label = 300;
		int width = 460;
		int row = 22;
		int rows = results.stream().mapToInt(r -> r.reference() == null ? 1 : 2).sum();
		StringBuilder svg = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
				label + width + 140, rows * row + 10));
		int y = 5;
		for (BenchResult r : results) {
			y = bar(svg, r.name(), r.value(), r.unit(), max, "#3b6fb6", y, label, width, row);
			if (r.reference() != null) {
				y = bar(svg, "  reference (ratio " + String.format(Locale.ROOT, "%.2f", r.ratio()) + ")", r.reference(), r.unit(), max, "#c8a23c", y, label,
						width, row);
			}
		}
		return svg.append("</svg>").toString();
	}

	private static int bar(StringBuilder svg, String name, double value, String unit, double max, String colour, int y, int label, int width, int row) {
		double w = max > 0 ? Math.max(1, width * value / max) : 1;
		svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
				+ "<text x=\"%.1f\" y=\"%d\">%.4g %s</text>", y + 14, escape(name), label, y + 2, w, row - 6, colour, label + w + 6, y + 14, value, escape(unit)));
		return y + row;
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}
}
