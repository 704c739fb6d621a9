package dev.atelier.device.internal;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceEvent;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStatus;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.VramLease;

/**
 * The device service as one bundle sees it: its leases carry the bundle's name, and all of them are released
 * (and reported as a leak) when the bundle lets go of the service, which it does when it stops.
 */
@Component(service = DeviceService.class, scope = ServiceScope.BUNDLE)
public final class BundleDeviceService implements DeviceService {

	private static final System.Logger LOG = System.getLogger(BundleDeviceService.class.getName());

	private final DeviceRegistry registry;
	private final String bundle;
	private final Set<VramLease> mine = ConcurrentHashMap.newKeySet();
	private final Set<DeviceEvent.Listener> myListeners = ConcurrentHashMap.newKeySet();

	@Activate
	public BundleDeviceService(@Reference DeviceRegistry registry, ComponentContext context) {
		this(registry, context.getUsingBundle() == null ? "unknown" : context.getUsingBundle().getSymbolicName());
	}

	/** Plain-Java construction for tests; DS uses the other constructor. */
	public static BundleDeviceService forBundle(DeviceRegistry registry, String bundle) {
		return new BundleDeviceService(registry, bundle);
	}

	private BundleDeviceService(DeviceRegistry registry, String bundle) {
		this.registry = registry;
		this.bundle = bundle;
	}

	@Deactivate
	public void releaseAll() {
		List<VramLease> open = mine.stream().filter(l -> l.state() == LeaseState.GRANTED).toList();
		if (!open.isEmpty()) {
			LOG.log(Level.WARNING, "bundle " + bundle + " let go of the device service with " + open.size()
					+ " lease(s) open; releasing them: " + open);
		}
		open.forEach(VramLease::close);
		mine.clear();
		myListeners.forEach(registry::removeListener);
	}

	@Override
	public List<Device> devices() {
		return registry.devices();
	}

	@Override
	public Optional<Device> device(String id) {
		return registry.find(id).map(e -> e.arbiter().device());
	}

	@Override
	public Device resolve(String id) {
		return registry.resolve(id);
	}

	@Override
	public DeviceStatus status(String deviceId) {
		DeviceRegistry.Entry e = registry.entry(deviceId);
		Arbiter a = e.arbiter();
		return new DeviceStatus(a.device(), e.physical().freeBytes(), a.budget(), a.grantedBytes(), a.headroom(), a.leases());
	}

	@Override
	public VramLease acquire(String deviceId, LeaseRequest request) throws LeaseRefusedException, InterruptedException {
		Arbiter.Lease lease = registry.entry(deviceId).arbiter().acquire(bundle, request);
		mine.removeIf(l -> l.state() != LeaseState.GRANTED);
		mine.add(lease);
		return lease;
	}

	@Override
	public List<VramLease> leases() {
		return registry.leases();
	}

	@Override
	public boolean evict(VramLease lease) {
		return lease instanceof Arbiter.Lease ours && registry.entry(lease.deviceId()).arbiter().evictNow(ours);
	}

	@Override
	public ComputeContext openContext(VramLease lease) {
		if (!(lease instanceof Arbiter.Lease ours) || lease.state() != LeaseState.GRANTED) {
			throw new IllegalArgumentException("not an open lease of this device service: " + lease);
		}
		DeviceRegistry.Entry e = registry.entry(lease.deviceId());
		return new ComputeContextImpl(ours, e.arbiter().device(), e.physical().open());
	}


	@Override
	public void addListener(DeviceEvent.Listener listener) {
		myListeners.add(listener);
		registry.addListener(listener);
	}

	@Override
	public void removeListener(DeviceEvent.Listener listener) {
		myListeners.remove(listener);
		registry.removeListener(listener);
	}
}
