package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.power.PowerService;
import dev.atelier.testing.Conditions;
import dev.atelier.testing.Services;

/** In the OSGi runtime: a simulated card added to the device service (as the Devices view adds one) is sampled by the power service. */
class PowerServiceFollowsDevicesTest {

	@Test
	void aSimulatedCardAddedToTheDeviceServiceGetsSampled() throws Exception {
		PowerService power = Services.await(PowerMonitor.class, PowerService.class);
		assertFalse(power.deviceIds().contains("sim:a6000"));

		Services.await(PowerMonitor.class, SimulatedDevices.class).add("a6000");

		assertTrue(power.deviceIds().contains("sim:a6000"), power.deviceIds().toString());
		Conditions.await(() -> !power.history("sim:a6000", 0, Long.MAX_VALUE).isEmpty(), "the sampler reads the new card");
	}
}
