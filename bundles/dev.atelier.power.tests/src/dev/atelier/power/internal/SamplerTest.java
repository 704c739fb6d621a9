package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.atelier.power.Alert;
import dev.atelier.power.AlertRules;
import dev.atelier.power.Energy;
import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.SampleRing;
import dev.atelier.power.Sampler;
import dev.atelier.power.TelemetryException;
import dev.atelier.power.TelemetrySource;

class SamplerTest {

	/** 300 W, and a device "cuda:1" that falls off the bus at t = 2 s. */
	private static final class FakeSource implements TelemetrySource {
		long now = 1_000_000;

		@Override
		public List<String> deviceIds() {
			return List.of("cuda:0", "cuda:1");
		}

		@Override
		public Sample sample(String id) {
			if (id.equals("cuda:1") && now >= 1_002_000) {
				throw new TelemetryException("cuda:1 is lost (NVML_ERROR_GPU_IS_LOST)");
			}
			return new Sample(id, "fake", now, Map.of(Metric.POWER_DRAW, 300.0));
		}
	}

	@Test
	void samplingPeriodPreferenceFallsBackToTheDefaultWhenUnusable() {
		assertEquals(100, PowerMonitor.period("100"));
		assertEquals(Sampler.DEFAULT_PERIOD_MILLIS, PowerMonitor.period(null));
		assertEquals(Sampler.DEFAULT_PERIOD_MILLIS, PowerMonitor.period("5"));
		assertEquals(Sampler.DEFAULT_PERIOD_MILLIS, PowerMonitor.period("fast"));
	}

	@Test
	void ringKeepsTheNewestSamples() {
		SampleRing ring = new SampleRing(3);
		for (int t = 0; t < 5; t++) {
			ring.add(new Sample("d", "d", t * 1000L, Map.of()));
		}
		assertEquals(3, ring.size());
		assertEquals(List.of(2000L, 3000L, 4000L), ring.between(0, 10_000).stream().map(Sample::epochMillis).toList());
		assertEquals(4000L, ring.last().epochMillis());
	}

	@Test
	void measuredSectionGetsTheEnergyAndALostDeviceDoesNotStopTheOthers() {
		FakeSource source = new FakeSource();
		Sampler sampler = new Sampler(List.of(source), 100, 600_000, () -> source.now);
		Sampler.Section section = sampler.measure();
		for (int i = 0; i < 50; i++) {
			source.now += 100;
			sampler.sampleAll();
		}
		Map<String, Energy> energy = section.close();
		assertEquals(1500, energy.get("cuda:0").joules(), 1e-6, "300 W for 5 s");
		assertTrue(sampler.lost().get("cuda:1").contains("GPU_IS_LOST"), sampler.lost().toString());
		assertEquals(300, energy.get("cuda:1").averageWatts(), 1e-6, "cuda:1 counted until it was lost");
		assertEquals(52, sampler.history("cuda:0", 0, Long.MAX_VALUE).size(), "the start, 50 ticks and the end");
		assertThrows(IllegalArgumentException.class, () -> sampler.history("cuda:7", 0, 1));
		assertThrows(IllegalArgumentException.class, () -> new Sampler(List.of(source), 5, 1000));
		sampler.close();
	}

	@Test
	void aSourceAddedLaterIsSampledFromThenOn() {
		FakeSource source = new FakeSource();
		Sampler sampler = new Sampler(List.of(), 100, 600_000, () -> source.now);
		sampler.sampleAll();
		assertTrue(sampler.deviceIds().isEmpty());
		sampler.add(source);
		sampler.sampleAll();
		assertEquals(List.of("cuda:0", "cuda:1"), sampler.deviceIds().stream().sorted().toList());
		assertEquals(1, sampler.history("cuda:0", 0, Long.MAX_VALUE).size());
		sampler.close();
	}

	@Test
	void simulatedCardLostAfterNSamplesStopsItsSamplingOnly() {
		long[] now = { 1_000_000 };
		SimulatedTelemetry lost = SimulatedTelemetry.of("h100:lost-after=3", () -> now[0]);
		Sampler sampler = new Sampler(List.of(new SimulatedTelemetry("rtx4090", () -> now[0]), lost), 100, 600_000, () -> now[0]);
		for (int i = 0; i < 6; i++) {
			now[0] += 100;
			sampler.sampleAll();
		}
		assertEquals(6, sampler.history("sim:rtx4090", 0, Long.MAX_VALUE).size());
		assertEquals(3, sampler.history("sim:h100", 0, Long.MAX_VALUE).size());
		assertEquals("sim:h100 is lost (simulated after 3 samples): it fell off the bus or was reset", sampler.lost().get("sim:h100"));
		assertEquals("lost-after in 'h100:lost-after=soon' must be a whole number of samples, not 'soon'",
				assertThrows(IllegalArgumentException.class, () -> SimulatedTelemetry.of("h100:lost-after=soon", () -> 0)).getMessage());
		sampler.close();
	}

	@Test
	void onlyHbmCardsReportMemoryTemperature() {
		assertTrue(new SimulatedTelemetry("h100", () -> 0).sample("sim:h100").get(Metric.TEMPERATURE_MEMORY).isPresent());
		assertTrue(new SimulatedTelemetry("rtx4090", () -> 0).sample("sim:rtx4090").get(Metric.TEMPERATURE_MEMORY).isEmpty(),
				"GDDR6X: NVML answers NOT_SUPPORTED, so the field is unavailable");
	}

	@Test
	void historyOlderThanTheFullRateWindowComesAtOneHertz() {
		FakeSource source = new FakeSource();
		Sampler sampler = new Sampler(List.of(source), 100, 2_000, () -> source.now);
		for (int i = 0; i < 100; i++) { // 10 s at 10 Hz; only the last 2 s stay at full rate
			source.now += 100;
			sampler.sampleAll();
		}
		List<Sample> all = sampler.history("cuda:0", 0, Long.MAX_VALUE);
		assertEquals(20, all.stream().filter(s -> s.epochMillis() > source.now - 2_000).count());
		assertTrue(all.size() < 40 && all.size() > 25, "one a second before that: " + all.size());
		sampler.close();
	}

	@Test
	void alertsHaveHysteresis() {
		AlertRules rules = AlertRules.defaults();
		double[] temps = { 80, 83, 84, 82, 79, 77, 83 };
		StringBuilder seen = new StringBuilder();
		for (double t : temps) {
			for (Alert a : rules.evaluate(new Sample("cuda:0", "x", 0, Map.of(Metric.TEMPERATURE_GPU, t)))) {
				seen.append(a.raised() ? "+" : "-").append((int) t).append(' ');
			}
		}
		assertEquals("+83 -77 +83 ", seen.toString(), "one alert from 83 °C, cleared only below 78 °C");
		List<Alert> power = rules.evaluate(new Sample("cuda:0", "x", 0, Map.of(Metric.POWER_DRAW, 440.0, Metric.ENFORCED_POWER_LIMIT, 450.0)));
		assertEquals(Alert.Kind.POWER_NEAR_LIMIT, power.get(0).kind());
		assertTrue(power.get(0).message().contains("98 % of its 450 W limit"), power.get(0).message());
		List<Alert> throttle = rules.evaluate(new Sample("cuda:0", "x", 0, Map.of(Metric.CLOCKS_EVENT_REASONS, 64.0)));
		assertTrue(throttle.get(0).message().contains("HW_THERMAL_SLOWDOWN"), throttle.toString());
		for (int i = 0; i < 3; i++) {
			assertTrue(rules.evaluate(new Sample("cuda:0", "x", 0, Map.of(Metric.CLOCKS_EVENT_REASONS, 0.0))).isEmpty());
		}
		assertEquals(false, rules.evaluate(new Sample("cuda:0", "x", 0, Map.of(Metric.CLOCKS_EVENT_REASONS, 0.0))).get(0).raised());
	}
}
