package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.power.Metric;
import dev.atelier.power.PowerTables;
import dev.atelier.power.Sample;

class TraceReplayTest {

	/** Ten seconds of a simulated RTX 4090 at 2 Hz, as `atelier power --watch --csv` writes it. */
	private static Path record() throws IOException {
		long[] now = { 1_790_000_000_000L };
		SimulatedTelemetry sim = new SimulatedTelemetry("rtx4090", () -> now[0], () -> 1);
		List<String> lines = new ArrayList<>(List.of(PowerTables.csvHeader()));
		for (int i = 0; i <= 20; i++, now[0] += 500) {
			lines.add(PowerTables.csvRow(sim.sample("sim:rtx4090")));
		}
		Path csv = Files.createTempFile("trace", ".csv");
		Files.write(csv, lines);
		return csv;
	}

	@Test
	void replaysTheRecordedValuesInALoopWithARisingEnergyCounter() throws IOException {
		Path csv = record();
		long[] now = { 5_000 };
		TraceReplay replay = new TraceReplay(csv, () -> now[0]);
		assertEquals(List.of("sim:trace:sim:rtx4090"), replay.deviceIds());
		Sample start = replay.sample("sim:trace:sim:rtx4090");
		now[0] += 2_500;
		Sample later = replay.sample("sim:trace:sim:rtx4090");
		assertEquals(450, later.get(Metric.POWER_LIMIT).getAsDouble());
		assertTrue(later.get(Metric.POWER_DRAW).getAsDouble() > start.get(Metric.POWER_DRAW).getAsDouble(), "the load rises in the first 15 s");
		double energyFirstLoop = later.get(Metric.TOTAL_ENERGY).getAsDouble();
		now[0] += 10_000; // one whole loop later
		assertTrue(replay.sample("sim:trace:sim:rtx4090").get(Metric.TOTAL_ENERGY).getAsDouble() > energyFirstLoop);
	}

	@Test
	void badTracesAreRefusedWithFileAndLine() throws IOException {
		Path csv = record();
		List<String> lines = Files.readAllLines(csv);
		Path broken = Files.createTempFile("broken", ".csv");
		Files.write(broken, List.of(lines.get(0), lines.get(1).replace(", 450.00, ", ", lots, ")));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new TraceReplay(broken, () -> 0)).getMessage()
				.equals(broken + " line 2: 'lots' is not a value of power.limit"));
		Files.write(broken, List.of("a, b, c"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new TraceReplay(broken, () -> 0)).getMessage()
				.startsWith(broken + " line 1: not an atelier power trace"));
		Files.write(broken, List.of(lines.get(0), "2026/13/99 25:00:00.000, x, y"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new TraceReplay(broken, () -> 0)).getMessage()
				.startsWith(broken + " line 2: 3 cells, the header has "));
		Path missing = broken.resolveSibling("no-such-trace.csv");
		assertTrue(assertThrows(IllegalArgumentException.class, () -> new TraceReplay(missing, () -> 0)).getMessage()
				.startsWith("cannot read the trace " + missing));
	}

	@Test
	void aFifoAsTheTraceIsRefusedByNameInsteadOfWaitedOn(@TempDir Path dir) throws Exception {
		Path fifo = dir.resolve("trace.csv");
		assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
		assertEquals("cannot read the trace " + fifo + ": " + fifo + ": not a regular file (a FIFO, socket or device)",
				assertThrows(IllegalArgumentException.class, () -> new TraceReplay(fifo, () -> 0)).getMessage());
	}
}
