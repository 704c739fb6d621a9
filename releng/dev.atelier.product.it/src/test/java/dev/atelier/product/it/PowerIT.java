package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** {@code atelier power} on the product, with a simulated card (CI has no GPU). */
class PowerIT {

	@Test
	void snapshotJsonHasTheSimulatedCardsReadings() throws Exception {
		Path ws = Product.newWorkspace("power");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "power", "--json", "--simulate", "rtx4090");
		assertEquals(0, run.exitCode(), run.all());
		JsonObject sim = JsonParser.parseString(run.out()).getAsJsonArray().asList().stream().map(e -> e.getAsJsonObject())
				.filter(o -> o.get("id").getAsString().equals("sim:rtx4090")).findFirst().orElseThrow();
		double watts = sim.get("power.draw").getAsDouble();
		assertTrue(watts >= 25 && watts <= 450, "between idle and the 450 W limit: " + watts);
		assertEquals(450, sim.get("power.limit").getAsDouble());
		assertTrue(sim.has("temperature.gpu") && sim.has("clocks.sm") && sim.has("utilization.gpu") && sim.has("memory.used"));
	}

	@Test
	void watchWritesAHeaderAndNRowsPerDeviceToTheCsvFile() throws Exception {
		Path ws = Product.newWorkspace("watch");
		Path csv = ws.resolve("power.csv");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "power", "--watch", "--interval", "20ms", "--count", "5",
				"--simulate", "h100", "--csv", csv.toString());
		assertEquals(0, run.exitCode(), run.all());
		List<String> lines = Files.readAllLines(csv);
		assertTrue(lines.get(0).startsWith("timestamp, index, name, power.draw, "), lines.get(0));
		assertEquals(5, lines.stream().filter(l -> l.contains(", sim:h100, ")).count(), String.join("\n", lines));
		assertEquals(lines.get(0).split(", ").length, lines.get(1).split(", ").length);

		Product.Run replay = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "power", "--json", "--simulate", "trace:" + csv);
		assertEquals(0, replay.exitCode(), replay.all());
		assertTrue(replay.out().contains("\"id\": \"sim:trace:sim:h100\"") && replay.out().contains("\"power.limit\": 700.0"), replay.out());
	}

	@Test
	void aGpuLostDuringWatchIsReportedAndTheOtherDevicesGoOn() throws Exception {
		Path ws = Product.newWorkspace("lost");
		Path csv = ws.resolve("lost.csv");
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "power", "--watch", "--interval", "20ms", "--count", "6",
				"--simulate", "rtx4090", "--simulate", "h100:lost-after=2", "--csv", csv.toString());
		assertEquals(1, run.exitCode(), "a lost device makes the exit code 1: " + run.all());
		assertTrue(run.err().contains("atelier power: sim:h100 is lost (simulated after 2 samples): it fell off the bus or was reset;"
				+ " sampling goes on for the other devices"), run.err());
		assertEquals(1, run.err().lines().filter(l -> l.contains("is lost")).count(), "said once: " + run.err());
		List<String> lines = Files.readAllLines(csv);
		assertEquals(6, lines.stream().filter(l -> l.contains(", sim:rtx4090, ")).count(), String.join("\n", lines));
		assertEquals(2, lines.stream().filter(l -> l.contains(", sim:h100, ")).count(), String.join("\n", lines));
	}

	@Test
	void aFifoAsATraceIsRefusedByNameNotWaitedOn() throws Exception {
		Path ws = Product.newWorkspace("power-fifo");
		Path fifo = Product.fifo(ws.resolve("trace.csv"));
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "power", "--json", "--simulate", "trace:" + fifo);
		assertEquals(2, run.exitCode(), run.all());
		assertTrue(run.err().contains("cannot read the trace " + fifo + ": " + fifo + ": not a regular file (a FIFO, socket or device)"), run.err());
	}

	@Test
	void badOptionsAreRefusedByName() throws Exception {
		Path ws = Product.newWorkspace("power-bad");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		// a folder under a regular file cannot be made on any file system, whatever the machine's layout
		Path unwritable = Files.writeString(ws.resolve("a-file"), "").resolve("dir").resolve("p.csv");
		Product.Run interval = Product.run(env, "power", "--watch", "--interval", "1ms", "--simulate", "rtx4090");
		assertEquals(2, interval.exitCode(), interval.all());
		assertTrue(interval.err().contains("atelier power: --interval: '1ms' is shorter than 10ms (see atelier power --help)"), interval.err());
		Product.Run csv = Product.run(env, "power", "--watch", "--count", "1", "--simulate", "rtx4090", "--csv", unwritable.toString());
		assertEquals(1, csv.exitCode(), csv.all());
		assertTrue(csv.err().contains("cannot write " + unwritable), csv.err());
	}
}
