package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Several Atelier processes on one workspace, and a job stopped by SIGTERM: every job keeps its record. */
class JobsIT {

	private static final Path TINY = Path.of("../../bundles/dev.atelier.diffusion.tests/fixture/tiny-sd").toAbsolutePath().normalize();

	@Test
	void processesRunningAtOnceOnOneWorkspaceKeepEveryRecordAndEveryOutput() throws Exception {
		Path ws = Product.newWorkspace("jobs-concurrent");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		List<String[]> commands = List.of(
				new String[] { "render", "--scene", "cornell", "--spp", "2", "--size", "32x24" },
				new String[] { "render", "--scene", "cornell", "--spp", "2", "--size", "32x24" },
				new String[] { "render", "--scene", "spheres", "--spp", "2", "--size", "32x24" },
				new String[] { "render", "--scene", "cornell", "--spp", "2", "--size", "32x24" },
				new String[] { "generate", "--model", TINY.toString(), "--prompt", "a horse", "--steps", "2", "--size", "64x64", "--seed", "1" });
		ExecutorService pool = Executors.newFixedThreadPool(commands.size());
		List<Future<Product.Run>> runs = new ArrayList<>();
		for (String[] command : commands) {
			runs.add(pool.submit(() -> Product.run(env, command)));
		}
		for (Future<Product.Run> run : runs) {
			Product.Run done = run.get();
			assertEquals(0, done.exitCode(), done.all());
		}
		pool.shutdown();

		JsonArray jobs = Product.jobs(ws);
		assertEquals(commands.size(), jobs.size(), "one record per process: " + jobs);
		Set<String> outputs = new HashSet<>();
		long previousStart = Long.MAX_VALUE;
		for (JsonElement job : jobs) {
			JsonObject record = job.getAsJsonObject();
			assertEquals("succeeded", record.get("status").getAsString(), record.toString());
			long start = java.time.Instant.parse(record.get("start").getAsString()).toEpochMilli();
			assertTrue(start <= previousStart, "newest first: " + jobs);
			previousStart = start;
			for (JsonElement output : record.getAsJsonArray("outputs")) {
				assertTrue(Files.isRegularFile(Path.of(output.getAsString())), output.getAsString());
				assertTrue(outputs.add(output.getAsString()), "no two jobs wrote one file: " + output);
			}
		}
		assertEquals(commands.size(), outputs.size());
		try (Stream<Path> renders = Files.list(ws.resolve("outputs/render"))) {
			assertEquals(4, renders.count(), "four numbered renders, none over another");
		}
	}

	@Test
	void aRenderStoppedBySigtermIsRecordedCancelledAndLeavesNoFile() throws Exception {
		Path ws = Product.newWorkspace("jobs-sigterm");
		Path err = Files.createTempFile("atelier-render-err", ".txt");
		Process render = Product.start(Map.of("ATELIER_WORKSPACE", ws.toString()), err, "render", "--scene", "cornell", "--spp", "1000000", "--size",
				"64x48");
		try {
			// the log says when the job runs (the launcher passes stderr on line by line, and the progress bar ends no line)
			Path log = ws.resolve("logs/atelier0.log");
			while (render.isAlive() && !(Files.exists(log) && Files.readString(log).contains("job 'render Cornell box 64x48' started"))) {
				Thread.sleep(100);
			}
			assertTrue(render.isAlive(), Files.readString(err));
			render.destroy(); // SIGTERM
			assertTrue(render.waitFor(60, TimeUnit.SECONDS), "ended after SIGTERM");
			assertFalse(Files.readString(err).contains("Exception"), Files.readString(err));
		} finally {
			render.destroyForcibly();
		}
		JsonArray jobs = Product.jobs(ws);
		assertEquals(1, jobs.size(), jobs.toString());
		JsonObject record = jobs.get(0).getAsJsonObject();
		assertEquals("cancelled", record.get("status").getAsString(), record.toString());
		assertEquals(0, record.getAsJsonArray("outputs").size(), record.toString());
		Path renders = ws.resolve("outputs/render");
		if (Files.isDirectory(renders)) {
			try (Stream<Path> files = Files.list(renders)) {
				assertEquals(List.of(), files.toList(), "no partial image, no temporary file");
			}
		}
		Files.delete(err);
	}

	@Test
	void outputPathsThatCannotBeWrittenAreRefusedBeforeTheWork() throws Exception {
		Path ws = Product.newWorkspace("jobs-out");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Path folder = Files.createDirectories(ws.resolve("a-folder"));
		Product.Run render = Product.run(env, "render", "--scene", "cornell", "--spp", "1", "--size", "16x16", "--out", folder.toString());
		assertEquals(2, render.exitCode(), render.all());
		assertEquals("atelier render: --out: cannot write " + folder + ": it is a folder (see atelier render --help)\n", render.err());

		Path file = Files.writeString(ws.resolve("a-file"), "keep me");
		Product.Run generate = Product.run(env, "generate", "--model", TINY.toString(), "--prompt", "a horse", "--steps", "1", "--size", "64x64", "--out",
				file.toString());
		assertEquals(2, generate.exitCode(), generate.all());
		assertTrue(generate.err().contains("atelier generate: --out: cannot write into " + file + ": it is a file, not a folder"), generate.err());
		assertEquals("keep me", Files.readString(file));

		Product.Run bench = Product.run(env, "bench", "--suite", "cpu", "--json", folder.toString());
		assertEquals(2, bench.exitCode(), bench.all());
		assertEquals("atelier bench: --json: cannot write " + folder + ": it is a folder (see atelier bench --help)\n", bench.err());

		assertEquals(0, Product.jobs(ws).size(), "no job ran");
		try (Stream<Path> files = Files.list(ws)) {
			assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary files");
		}
	}
}
