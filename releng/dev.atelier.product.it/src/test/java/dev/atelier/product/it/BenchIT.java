package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** {@code atelier bench} on the product; CI has no GPU, so the GPU suite is skipped and the CPU suite runs. */
class BenchIT {

	@Test
	void withoutAGpuTheGpuSuiteIsSkippedTheCpuSuiteRunsAndReportsAreWritten() throws Exception {
		Path ws = Product.newWorkspace("bench");
		Path json = ws.resolve("bench.json");
		Path html = ws.resolve("bench.html");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "bench", "--runs", "3", "--json", json.toString(), "--html",
				html.toString());
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().contains("gpu suite: skipped: no CUDA device"), run.out());
		assertTrue(run.out().contains("Vector-API SGEMM 1024"), run.out());
		assertFalse(run.err().contains("WARNING: Using incubator modules"), "the launcher drops the JVM's incubator notice: " + run.err());
		JsonArray results = JsonParser.parseString(Files.readString(json)).getAsJsonObject().getAsJsonArray("results");
		assertTrue(results.size() >= 5, results.toString());
		for (JsonElement e : results) {
			JsonObject r = e.getAsJsonObject();
			assertTrue(r.has("name") && r.has("value") && r.has("unit") && r.has("percentOfPeak"), r.toString());
			assertTrue(r.get("value").getAsDouble() > 0, r.toString());
		}
		assertTrue(results.asList().stream().map(JsonElement::getAsJsonObject).filter(r -> r.get("name").getAsString().startsWith("Vector-API SGEMM"))
				.allMatch(r -> r.get("percentOfPeak").getAsDouble() > 0), "the SGEMM has a % of the CPU's peak");
		String page = Files.readString(html);
		assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("<svg") && page.contains("Vector-API SGEMM"), page);
	}

	@Test
	void badOptionsAreRefusedByName() throws Exception {
		Path ws = Product.newWorkspace("bench-bad");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run suite = Product.run(env, "bench", "--suite", "tpu");
		assertEquals(2, suite.exitCode(), suite.all());
		assertTrue(suite.err().contains("atelier bench: --suite: expected one of [gpu, cpu, all] (case-sensitive) but was 'tpu' (see atelier bench --help)"), suite.err());
		Product.Run device = Product.run(env, "bench", "--suite", "gpu", "--device", "cuda:9");
		assertEquals(2, device.exitCode(), device.all());
		assertTrue(device.err().contains("atelier bench: no device 'cuda:9'; known: "), device.err());
		Path file = Files.writeString(ws.resolve("a-file"), "not a folder");
		Product.Run unwritable = Product.run(env, "bench", "--suite", "gpu", "--json", file.resolve("b.json").toString());
		assertEquals(2, unwritable.exitCode(), unwritable.all());
		assertEquals("atelier bench: --json: cannot write " + file.resolve("b.json") + ": " + file + " is not a folder (see atelier bench --help)\n",
				unwritable.err(), "refused before the suites ran");
		assertEquals("", unwritable.out());
	}
}
