package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.power.PowerService;

/** In the OSGi runtime: a simulated card added to the device service (as the Devices view adds one) is sampled by the power service. */
class PowerServiceFollowsDevicesTest {

	@Test
	void aSimulatedCardAddedToTheDeviceServiceGetsSampled() throws Exception {
		BundleContext context = FrameworkUtil.getBundle(PowerMonitor.class).getBundleContext();
		PowerService power = service(context, PowerService.class);
		assertFalse(power.deviceIds().contains("sim:a6000"));

		service(context, SimulatedDevices.class).add("a6000");

		assertTrue(power.deviceIds().contains("sim:a6000"), power.deviceIds().toString());
		long until = System.currentTimeMillis() + 5_000;
		while (power.history("sim:a6000", 0, Long.MAX_VALUE).isEmpty() && System.currentTimeMillis() < until) {
			Thread.sleep(20);
		}
		assertFalse(power.history("sim:a6000", 0, Long.MAX_VALUE).isEmpty(), "the sampler reads the new card");
	}

	private static <T> T service(BundleContext context, Class<T> type) throws InterruptedException {
		ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
		tracker.open();
		try {
			T service = tracker.waitForService(10_000);
			assertTrue(service != null, "no " + type.getSimpleName() + " service");
			return service;
		} finally {
			tracker.close();
		}
	}
}
