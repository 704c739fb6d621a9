package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.device.DeviceService;
import dev.atelier.power.PowerService;
import dev.atelier.testing.Conditions;
import dev.atelier.testing.Services;

/** In the OSGi runtime: a simulated card added to the device service is sampled by the power service. */
class PowerServiceFollowsDevicesTest {

	@Test
	void aSimulatedCardAddedToTheDeviceServiceGetsSampled() throws Exception {
		DeviceService devices = Services.await(PowerMonitor.class, DeviceService.class);
		PowerService power = Services.await(PowerMonitor.class, PowerService.class);
		assertFalse(power.deviceIds().contains("sim:a6000"));

		devices.simulate("a6000");

		assertTrue(power.deviceIds().contains("sim:a6000"), power.deviceIds().toString());
		Conditions.await(() -> !power.history("sim:a6000", 0, Long.MAX_VALUE).isEmpty(), "the sampler reads the new card");
	}
}
