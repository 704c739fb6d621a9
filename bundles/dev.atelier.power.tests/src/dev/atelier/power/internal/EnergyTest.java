package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.atelier.power.Energy;
import dev.atelier.power.Metric;
import dev.atelier.power.Sample;

/** Energy integration, exact on synthetic traces. */
class EnergyTest {

	private static Sample power(long ms, double watts) {
		return new Sample("sim:test", "test", ms, Map.of(Metric.POWER_DRAW, watts));
	}

	private static Sample counter(long ms, double watts, double joules) {
		Map<Metric, Double> v = new EnumMap<>(Metric.class);
		v.put(Metric.POWER_DRAW, watts);
		v.put(Metric.TOTAL_ENERGY, joules);
		return new Sample("sim:test", "test", ms, v);
	}

	@Test
	void constantPowerGivesPowerTimesTime() {
		List<Sample> trace = new ArrayList<>();
		for (long t = 0; t <= 10_000; t += 250) {
			trace.add(power(t, 300));
		}
		Energy e = Energy.over(trace, 0, 10_000);
		assertEquals(3000, e.joules(), 1e-9);
		assertEquals(300, e.averageWatts(), 1e-9);
		assertEquals(300, e.peakWatts());
		assertFalse(e.fromCounter());
	}

	@Test
	void rampIsIntegratedExactlyAndTheWindowIsInterpolated() {
		List<Sample> trace = List.of(power(0, 0), power(10_000, 100));
		assertEquals(500, Energy.over(trace, 0, 10_000).joules(), 1e-9, "∫ 0..10 s of 10 W/s · t");
		assertEquals(375, Energy.over(trace, 5_000, 10_000).joules(), 1e-9, "∫ 5..10 s: (50 + 100)/2 · 5");
		assertEquals(25, Energy.over(trace, 0, 5_000).averageWatts(), 1e-9, "125 J over 5 s");
	}

	@Test
	void gapsAreBridgedAndReported() {
		List<Sample> trace = List.of(power(0, 100), power(1_000, 100), power(9_000, 100), power(10_000, 100));
		Energy e = Energy.over(trace, 0, 10_000);
		assertEquals(1000, e.joules(), 1e-9);
		assertEquals(8_000, e.longestGapMillis());
	}

	@Test
	void theEnergyCounterWinsWhereEverySampleHasIt() {
		List<Sample> trace = List.of(counter(0, 200, 1_000_000), counter(1_000, 999, 1_000_250), counter(2_000, 200, 1_000_450));
		Energy e = Energy.over(trace, 0, 2_000);
		assertEquals(450, e.joules(), 1e-9, "the counter's 450 J, not the power trapezoid's");
		assertTrue(e.fromCounter());
		assertEquals(999, e.peakWatts());
	}

	@Test
	void counterReadingsNeedNotBeInEverySample() {
		List<Sample> trace = List.of(counter(0, 100, 1_000), power(500, 5_000), counter(1_000, 100, 1_400), power(1_500, 100),
				power(2_000, 100));
		Energy e = Energy.over(trace, 0, 2_000);
		assertEquals(400 + 100, e.joules(), 1e-9, "the counter's 400 J over 0..1 s (not the 5 kW spike), then 100 W for 1 s");
		assertFalse(e.fromCounter());
		assertEquals(200, Energy.over(trace, 500, 1_000).joules(), 1e-9, "half of the counter span, interpolated");
	}

	@Test
	void aCounterThatGoesBackwardsFallsBackToPowerForThatSegment() {
		List<Sample> trace = List.of(counter(0, 100, 5_000), counter(1_000, 100, 5_100), counter(2_000, 300, 40), counter(3_000, 300, 340));
		Energy e = Energy.over(trace, 0, 3_000);
		assertEquals(100 + 200 + 300, e.joules(), 1e-9, "counter, trapezoid (100→300 W over 1 s), counter");
		assertFalse(e.fromCounter());
	}

	@Test
	void simulatedCounterIsTheIntegralOfSimulatedPower() {
		long[] now = { 0 };
		// busy for the first 30 s, then idle: the load rises and falls
		SimulatedTelemetry sim = new SimulatedTelemetry("rtx4090", () -> now[0], () -> now[0] < 1_030_000 ? 1 : 0);
		List<Sample> powerOnly = new ArrayList<>();
		List<Sample> withCounter = new ArrayList<>();
		for (now[0] = 1_000_000; now[0] <= 1_090_000; now[0] += 50) {
			Sample s = sim.sample("sim:rtx4090");
			withCounter.add(s);
			powerOnly.add(power(s.epochMillis(), s.get(Metric.POWER_DRAW).getAsDouble()));
		}
		double exact = Energy.over(withCounter, 1_000_000, 1_090_000).joules();
		double integrated = Energy.over(powerOnly, 1_000_000, 1_090_000).joules();
		assertEquals(exact, integrated, exact * 1e-9);
		assertTrue(exact > 25 * 90 && exact < 450 * 90, "between idle and the limit: " + exact);
	}

	@Test
	void emptyIntervalIsRefused() {
		assertThrows(IllegalArgumentException.class, () -> Energy.over(List.of(), 5, 5));
	}
}
