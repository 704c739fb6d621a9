package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.power.PowerService;
import dev.atelier.testing.Conditions;
import dev.atelier.testing.Services;

/**
 * In the OSGi runtime, with simulated cards sampled by the power service: a job billed the cards it ran on (as the job
 * recorder bills a job whose device detail names several, {@code sim:rtx4090+sim:a6000}) gets the sum of their energy,
 * and none of a card it did not use.
 */
class JobEnergyOverCardsTest {

	private static final List<String> USED = List.of("sim:rtx4090", "sim:a6000");

	@Test
	void aJobOnTwoCardsIsBilledBothCardsEnergyAndNotAThirds() throws Exception {
		SimulatedDevices simulated = Services.await(PowerMonitor.class, SimulatedDevices.class);
		simulated.add("rtx4090");
		simulated.add("a6000");
		simulated.add("rtx3090");
		PowerService power = Services.await(PowerMonitor.class, PowerService.class);
		EnergyMeter meter = Services.await(PowerMonitor.class, EnergyMeter.class);
		assertTrue(power.deviceIds().containsAll(List.of("sim:rtx4090", "sim:a6000", "sim:rtx3090")), power.deviceIds().toString());

		EnergyMeter.Measurement both = meter.start();
		EnergyMeter.Measurement one = meter.start();
		long started = System.currentTimeMillis();
		// a sample of each card a sampling period after the start, so that the sections span time
		Conditions.await(() -> USED.stream().allMatch(id -> !power.history(id, started + 300, Long.MAX_VALUE).isEmpty()), "the cards are sampled");
		EnergyMeter.Reading billed = both.stop(USED).orElseThrow();
		EnergyMeter.Reading alone = one.stop(List.of("sim:rtx4090")).orElseThrow();

		// idle simulated cards draw their idle power: 25 W each, the RTX 3090 (not used) 30 W
		assertEquals(50, billed.averageWatts(), 0.5, "two idle cards of 25 W, summed: " + billed);
		assertEquals(25, alone.averageWatts(), 0.5, "one card: " + alone);
		assertTrue(billed.joules() > alone.joules(), "the second card's energy on top of the first's: " + billed + " against " + alone);
		assertTrue(billed.simulated(), "made-up figures are marked as such");
	}
}
