package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.VramLease;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.testing.devices.FakeGpu;

class LeakReportTest {

	@Test
	void leasesStillOpenAtShutdownAreListedAndReleased() throws Exception {
		List<String> warnings = new CopyOnWriteArrayList<>();
		Handler capture = new Handler() {
			@Override
			public void publish(LogRecord record) {
				warnings.add(record.getMessage());
			}

			@Override
			public void flush() {
			}

			@Override
			public void close() {
			}
		};
		Logger logger = Logger.getLogger(DeviceRegistry.class.getName());
		logger.addHandler(capture);
		try {
			DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
			registry.add(FakeGpu.of("rtx3090", 24L << 30), null);
			DeviceService service = BundleDeviceService.forBundle(registry, "forgetful.plugin");
			VramLease leaked = service.acquire("sim:rtx3090", LeaseRequest.of("textures", 3L << 30));
			VramLease closed = service.acquire("sim:rtx3090", LeaseRequest.of("closed", 1L << 30));
			closed.close();
			registry.shutdown();
			assertEquals(1, warnings.size(), warnings.toString());
			String report = warnings.get(0);
			assertTrue(report.startsWith("leases still open at shutdown: "), report);
			assertTrue(report.contains("forgetful.plugin/textures 3.0 GiB"), report);
			assertTrue(!report.contains("closed"), report);
			assertEquals(LeaseState.RELEASED, leaked.state());
		} finally {
			logger.removeHandler(capture);
		}
	}
}
