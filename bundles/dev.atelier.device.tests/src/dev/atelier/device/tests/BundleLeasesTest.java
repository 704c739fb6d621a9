package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;

/** In the OSGi runtime: a lease never outlives the bundle that holds it. */
class BundleLeasesTest {

	@Test
	void stoppingABundleReleasesItsLeases() throws Exception {
		BundleContext context = FrameworkUtil.getBundle(BundleLeasesTest.class).getBundleContext();
		DeviceService mine = Services.await(BundleLeasesTest.class, DeviceService.class);
		mine.simulate("rtx4090");

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
