package dev.atelier.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchResult;
import dev.atelier.bench.Harness;
import dev.atelier.bench.Timing;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.testing.RecordingJobContext;

class BenchHarnessAndReportTest {

	@Test
	void harnessWarmsUpThenKeepsMinMedianMaxOfTheTimedRuns() {
		int[] calls = { 0 };
		double[] times = { 99, 99, 5, 1, 3, 2, 4 };
		Timing t = new Harness(2, 5, new RecordingJobContext()).time(() -> times[calls[0]++]);
		assertEquals(7, calls[0], "two warm-up runs and five timed ones");
		assertEquals(new Timing(1, 3, 5, 5), t, "warm-up times are not kept");
		assertEquals(2.5, Harness.of(4, 1, 2, 3).medianMs(), "an even count takes the mean of the middle two");
		assertThrows(IllegalArgumentException.class, () -> new Harness(0, 0, new RecordingJobContext()));
	}

	@Test
	void cancellingStopsTheHarnessBetweenRuns() {
		RecordingJobContext context = new RecordingJobContext();
		int[] calls = { 0 };
		Harness harness = new Harness(0, 100, context);
		assertThrows(JobCancelledException.class, () -> harness.time(() -> {
			if (++calls[0] == 3) {
				context.cancel();
			}
			return 1;
		}));
		assertEquals(3, calls[0]);
	}

	@Test
	void throughputAndRatioAgainstAReference() {
		// 1 GB in 1 ms = 1000 GB/s of a 2000 GB/s peak; the reference took 0.8 ms for the same work.
		BenchResult r = BenchResult.throughput("copy", "copy", 1e9, 1e9, "GB/s", new Timing(1, 1, 1, 3), 2e12, "peak formula");
		assertEquals(1000, r.value(), 1e-9);
		assertEquals(50, r.percentOfPeak(), 1e-9);
		BenchResult withRef = r.withReferenceMillis(0.8);
		assertEquals(1250, withRef.reference(), 1e-9);
		assertEquals(0.8, withRef.ratio(), 1e-9);
		assertNull(BenchResult.throughput("x", "g", 1, 1, "u", new Timing(1, 1, 1, 1), 0, "ignored").percentOfPeak(), "no peak, no percentage");
	}

	@Test
	void jsonHasTheContractFieldsAndReadsBack() {
		BenchResult plain = BenchResult.throughput("STREAM triad", "stream", 3e9, 1e9, "GB/s", new Timing(1, 1, 1, 3), 4e12, "memory: …");
		BenchResult referenced = BenchResult.throughput("gemm-fp16 4096", "gemm", 2e12, 1e12, "TFLOP/s", new Timing(4, 5, 6, 10), 1e15, "tensor")
				.withReferenceMillis(2.5);
		BenchReport report = new BenchReport("2026-11-24T00:00:00Z", List.of("cuda:0  H100"), List.of(plain, referenced),
				List.of("gpu image: skipped: why"), List.of(), "PyTorch 2.11 on H100, same run");
		JsonObject json = JsonParser.parseString(report.toJson()).getAsJsonObject();
		JsonObject first = json.getAsJsonArray("results").get(0).getAsJsonObject();
		assertEquals("STREAM triad", first.get("name").getAsString());
		assertEquals(3000, first.get("value").getAsDouble(), 1e-9, "3 GB in 1 ms");
		assertEquals("GB/s", first.get("unit").getAsString());
		assertEquals(75, first.get("percentOfPeak").getAsDouble(), 1e-9);
		assertFalse(first.has("reference") || first.has("ratio"), "no reference ran for it");
		BenchResult latency = new BenchResult("kernel launch", "latency", 6.1, "µs", null, null, null, null, new Timing(1, 1, 1, 1), null);
		JsonObject noPeak = JsonParser.parseString(new BenchReport("now", List.of(), List.of(latency), List.of(), List.of(), null).toJson())
				.getAsJsonObject().getAsJsonArray("results").get(0).getAsJsonObject();
		assertTrue(noPeak.has("percentOfPeak") && noPeak.get("percentOfPeak").isJsonNull(), "every result says its percentOfPeak: " + noPeak);
		JsonObject second = json.getAsJsonArray("results").get(1).getAsJsonObject();
		assertEquals(800, second.get("reference").getAsDouble(), 1e-9, "2 TFLOP in 2.5 ms");
		assertEquals(0.5, second.get("ratio").getAsDouble(), 1e-9);
		assertEquals(report, BenchReport.fromJson(report.toJson(), "saved.json"));
		assertTrue(report.table().contains("gpu image: skipped: why"), report.table());
		assertEquals("broken.json: not an atelier bench report (no \"results\")",
				assertThrows(IllegalArgumentException.class, () -> BenchReport.fromJson("{}", "broken.json")).getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> BenchReport.fromJson("[1, 2", "cut.json")).getMessage()
				.startsWith("cut.json: not an atelier bench report"));
	}

	@Test
	void htmlReportDrawsChartsAndEscapesText() {
		BenchResult r = BenchResult.throughput("strided read, stride 8 <&>", "stride", 1e9, 1e9, "GB/s", new Timing(1, 1, 1, 1), 0, null);
		String html = HtmlReport.render(new BenchReport("now", List.of("cpu"), List.of(r), List.of(), List.of("gpu x: wrong"), null));
		assertTrue(html.contains("<svg") && html.contains("Bandwidth against stride"), html);
		assertTrue(html.contains("stride 8 &lt;&amp;&gt;") && !html.contains("stride 8 <&>"), "text is escaped");
		assertTrue(html.contains("<b>Failed:</b> gpu x: wrong"));
	}

	@Test
	void torchReferenceOutputIsParsedAndItsAbsenceExplained(@TempDir Path dir) throws Exception {
		TorchReference.Outcome ok = TorchReference.parse("{\"torch\": \"2.11.0\", \"device\": \"NVIDIA H100\", \"results\": {\"gemm-fp16 4096\": 0.19}}");
		assertEquals(Map.of("gemm-fp16 4096", 0.19), ok.millis());
		assertEquals("PyTorch 2.11.0 on NVIDIA H100, same run", ok.description());
		assertTrue(TorchReference.parse("Traceback …").description().startsWith("failed: the PyTorch reference wrote no usable JSON"));
		Path missing = dir.resolve("python3");
		String absent = new TorchReference(List.of(missing.toString()), 10).unavailable().orElseThrow();
		assertTrue(absent.startsWith("not run: no python3 (Cannot run program \"" + missing + "\""), absent);

		// A stand-in for python3 that answers like the script: the same requests come back as medians.
		Path fake = dir.resolve("fake-python.sh");
		Files.writeString(fake, """
				#!/bin/sh
				case "$1" in
				  -c) exit 0 ;;
				  *) cat > /dev/null; echo '{"torch": "fake", "device": "none", "results": {"device-to-device copy 1 MiB": 0.5}}' ;;
				esac
				""");
		Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
		TorchReference.Outcome fromScript = new TorchReference(List.of(fake.toString()), 10)
				.run(List.of(new GpuSuite.ReferenceRequest("device-to-device copy 1 MiB", "copy", 1 << 20, false, 0)), 1, 1);
		assertEquals(Map.of("device-to-device copy 1 MiB", 0.5), fromScript.millis(), fromScript.description());
	}
}
