package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.TelemetryException;

class RaplTelemetryTest {

	private static void zone(Path root, String name, long energy, long range) throws IOException {
		Path zone = Files.createDirectories(root.resolve(name));
		Files.writeString(zone.resolve("energy_uj"), energy + "\n");
		Files.writeString(zone.resolve("max_energy_range_uj"), range + "\n");
	}

	@Test
	void packagesAreSummedAndACounterWrapIsUnwrapped() throws IOException {
		Path root = Files.createTempDirectory("powercap");
		zone(root, "intel-rapl:0", 1_000_000, 10_000_000);
		zone(root, "intel-rapl:1", 9_000_000, 10_000_000);
		zone(root, "intel-rapl:0:0", 5, 10_000_000); // a sub-zone: part of package 0, not counted again
		long[] now = { 0 };
		RaplTelemetry rapl = new RaplTelemetry(root, () -> now[0]);
		assertEquals(List.of("cpu"), rapl.deviceIds());
		Sample first = rapl.sample("cpu");
		assertTrue(first.get(Metric.POWER_DRAW).isEmpty(), "no power before two readings");
		now[0] = 2_000;
		zone(root, "intel-rapl:0", 7_000_000, 10_000_000); // +6 J
		zone(root, "intel-rapl:1", 3_000_000, 10_000_000); // 9 J → wrapped at 10 J → 3 J: +4 J
		Sample second = rapl.sample("cpu");
		assertEquals(10, second.get(Metric.TOTAL_ENERGY).getAsDouble(), 1e-9);
		assertEquals(5, second.get(Metric.POWER_DRAW).getAsDouble(), 1e-9, "10 J over 2 s");
	}

	@Test
	void withoutPowercapThereIsNoCpuDevice() throws IOException {
		RaplTelemetry rapl = new RaplTelemetry(Files.createTempDirectory("empty"), () -> 0);
		assertTrue(rapl.deviceIds().isEmpty());
		assertThrows(TelemetryException.class, () -> rapl.sample("cpu"));
	}
}
