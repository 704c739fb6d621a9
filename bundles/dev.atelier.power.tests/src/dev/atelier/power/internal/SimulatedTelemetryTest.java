package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.power.AlertRules;
import dev.atelier.power.Metric;
import dev.atelier.power.Sample;
import dev.atelier.power.ThrottleReason;

/** A simulated card's figures follow the work on it, not the clock. */
class SimulatedTelemetryTest {

	@Test
	void anIdleCardDrawsItsIdlePowerForAnHourAndRaisesNoAlert() {
		long[] now = { 1_000_000 };
		SimulatedTelemetry idle = new SimulatedTelemetry("rtx4090", () -> now[0], () -> 0);
		AlertRules alerts = AlertRules.defaults();
		for (int i = 0; i < 3600; i++, now[0] += 1000) {
			Sample s = idle.sample("sim:rtx4090");
			assertEquals(25, s.get(Metric.POWER_DRAW).getAsDouble(), 1e-9, "idle watts at " + i + " s");
			assertEquals(ThrottleReason.GPU_IDLE.bit(), (long) s.get(Metric.CLOCKS_EVENT_REASONS).getAsDouble(), "only idle, never power-capped");
			assertEquals(List.of(), alerts.evaluate(s), "no alert at " + i + " s");
		}
	}

	@Test
	void powerRisesWhileTheCardIsBusyAndFallsBackWhenItIsNot() {
		long[] now = { 0 };
		boolean[] busy = { false };
		SimulatedTelemetry card = new SimulatedTelemetry("rtx4090", () -> now[0], () -> busy[0] ? 1 : 0);
		card.sample("sim:rtx4090");
		busy[0] = true;
		now[0] += 10_000;
		Sample working = card.sample("sim:rtx4090");
		assertTrue(working.get(Metric.POWER_DRAW).getAsDouble() > 440, "near the 450 W limit after 10 s of work: " + working);
		assertEquals(100, working.get(Metric.UTILIZATION_GPU).getAsDouble(), 1);
		busy[0] = false;
		now[0] += 10_000;
		Sample after = card.sample("sim:rtx4090");
		assertTrue(after.get(Metric.POWER_DRAW).getAsDouble() < 30, "back near idle 10 s after the work: " + after);
		assertTrue(after.get(Metric.TOTAL_ENERGY).getAsDouble() > working.get(Metric.TOTAL_ENERGY).getAsDouble(), "the counter only rises");
	}
}
