package dev.atelier.testing;

import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/** OSGi service lookup for tests that run inside the framework. */
public final class Services {

	/** Long enough for Declarative Services to activate a component on a loaded CI machine. */
	public static final long DEFAULT_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);

	private Services() {
	}

	/** The service of a type as seen from the bundle of {@code from}, waiting for it; fails naming the type. */
	public static <S> S await(Class<?> from, Class<S> type) throws InterruptedException {
		return await(from, type, DEFAULT_TIMEOUT_MS);
	}

	public static <S> S await(Class<?> from, Class<S> type, long timeoutMillis) throws InterruptedException {
		Bundle bundle = FrameworkUtil.getBundle(from);
		if (bundle == null || bundle.getBundleContext() == null) {
			throw new IllegalStateException(from.getName() + " is not loaded by a started OSGi bundle");
		}
		BundleContext context = bundle.getBundleContext();
		ServiceTracker<S, S> tracker = new ServiceTracker<>(context, type, null);
		tracker.open();
		try {
			if (tracker.waitForService(timeoutMillis) == null) {
				throw new AssertionError("no " + type.getName() + " service within " + timeoutMillis + " ms (seen from "
						+ bundle.getSymbolicName() + ")");
			}
			// the test's own use of the service: the tracker's ends when it closes, and a bundle-scoped service
			// (a LogReaderService, a DeviceService) is shut down when its last use ends
			return context.getService(tracker.getServiceReference());
		} finally {
			tracker.close();
		}
	}
}
