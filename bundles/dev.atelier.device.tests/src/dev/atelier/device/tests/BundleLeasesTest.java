package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.ServiceReference;

import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;
import dev.atelier.device.spi.DeviceProvider;
import dev.atelier.testing.devices.FakeGpu;

/** In the OSGi runtime: a lease never outlives the bundle that holds it. */
class BundleLeasesTest {

	@Test
	void stoppingABundleReleasesItsLeases() throws Exception {
		BundleContext context = FrameworkUtil.getBundle(BundleLeasesTest.class).getBundleContext();
		DeviceService mine = Services.await(BundleLeasesTest.class, DeviceService.class);
		// a backend with one card, as the simulated backend would add it
		FakeGpu card = FakeGpu.of("rtx4090", 24L << 30);
		ServiceRegistration<DeviceProvider> backend = context.registerService(DeviceProvider.class, () -> List.of(card), null);

		Bundle owner = context.installBundle("test:lease-owner", emptyBundle("test.lease.owner"));
		try {
			owner.start();
			BundleContext ownerContext = owner.getBundleContext();
			ServiceReference<DeviceService> ref = ownerContext.getServiceReference(DeviceService.class);
			DeviceService theirs = ownerContext.getService(ref);
			VramLease lease = theirs.acquire("sim:rtx4090", LeaseRequest.of("model", 8L << 30));
			assertEquals("test.lease.owner", lease.owner().bundle(), "leases carry the owning bundle's name");
			assertTrue(mine.leases().contains(lease));

			owner.stop();

			assertEquals(LeaseState.RELEASED, lease.state());
			assertTrue(mine.leases().stream().noneMatch(l -> l.owner().bundle().equals("test.lease.owner")));
			assertEquals(0, mine.status("sim:rtx4090").grantedBytes());
		} finally {
			owner.uninstall();
			backend.unregister();
		}
	}

	private static ByteArrayInputStream emptyBundle(String name) throws IOException {
		Manifest manifest = new Manifest();
		Attributes main = manifest.getMainAttributes();
		main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		main.putValue("Bundle-ManifestVersion", "2");
		main.putValue("Bundle-SymbolicName", name);
		main.putValue("Bundle-Version", "1.0.0");
		main.putValue("Import-Package", "dev.atelier.device");
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
			// a bundle with nothing but its manifest
		}
		return new ByteArrayInputStream(bytes.toByteArray());
	}
}
