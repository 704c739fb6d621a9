package dev.atelier.device.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.atelier.core.Preferences;
import dev.atelier.device.Backend;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceEvent;
import dev.atelier.device.VramLease;
import dev.atelier.device.spi.DeviceProvider;
import dev.atelier.device.spi.PhysicalDevice;

/**
 * All devices and their arbiters, shared by every bundle's view of the device service. Backends join as
 * {@link DeviceProvider} services, with the devices they find and those they make on demand ({@link #resolve}).
 * {@code device.headroomMiB} overrides the backends' headroom; {@code device.default} is what {@code auto} means.
 */
@Component(service = DeviceRegistry.class)
public final class DeviceRegistry {

	public static final String PREF_HEADROOM_MIB = "device.headroomMiB";
	public static final String PREF_DEFAULT = "device.default";

	private static final System.Logger LOG = System.getLogger(DeviceRegistry.class.getName());
	/** Other programs' memory use is seen within this long; our own allocations at once. */
	private static final long DRIVER_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	public record Entry(PhysicalDevice physical, Arbiter arbiter, DeviceProvider provider) {
	}

	private final Map<String, Entry> devices = new LinkedHashMap<>();
	private final List<DeviceProvider> providers = new ArrayList<>();
	private final List<DeviceEvent.Listener> listeners = new CopyOnWriteArrayList<>();
	private final LongSupplier clock;
	private final Long headroomOverride;
	private final Preferences preferences;
	private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "atelier-lease-reaper");
		t.setDaemon(true);
		return t;
	});

	@Activate
	public DeviceRegistry(@Reference(cardinality = ReferenceCardinality.OPTIONAL) Preferences preferences) {
		this(System::nanoTime, headroomPreference(preferences), preferences);
	}

	/** Plain-Java construction for tests; {@code headroomOverride} null keeps each backend's default. */
	public DeviceRegistry(LongSupplier clock, Long headroomOverride) {
		this(clock, headroomOverride, null);
	}

	private DeviceRegistry(LongSupplier clock, Long headroomOverride, Preferences preferences) {
		this.clock = clock;
		this.headroomOverride = headroomOverride;
		this.preferences = preferences;
		reaper.scheduleWithFixedDelay(this::evictExpired, 1, 1, TimeUnit.SECONDS);
	}

	private static Long headroomPreference(Preferences preferences) {
		String value = preferences == null ? null : preferences.get(PREF_HEADROOM_MIB, null);
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Long.parseLong(value.strip()) << 20;
		} catch (NumberFormatException e) {
			LOG.log(Level.WARNING, "preference " + PREF_HEADROOM_MIB + " is not a whole number of MiB: '" + value + "'; using the defaults");
			return null;
		}
	}

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	public void addProvider(DeviceProvider provider) {
		synchronized (this) {
			providers.add(provider);
		}
		for (PhysicalDevice physical : provider.devices()) {
			add(physical, provider);
		}
	}

	public void removeProvider(DeviceProvider provider) {
		List<Entry> gone = new ArrayList<>();
		synchronized (this) {
			providers.remove(provider);
			devices.values().removeIf(e -> {
				boolean match = e.provider() == provider;
				if (match) {
					gone.add(e);
				}
				return match;
			});
		}
		for (Entry e : gone) {
			e.arbiter().leases().forEach(VramLease::close);
			fire(new DeviceEvent(DeviceEvent.Type.DEVICE_REMOVED, e.arbiter().device(), null));
		}
	}

	public Device add(PhysicalDevice physical, DeviceProvider provider) {
		Device device = physical.device();
		long headroom = headroomOverride != null ? headroomOverride : physical.defaultHeadroomBytes();
		Arbiter arbiter = new Arbiter(device, physical::freeBytes, DRIVER_POLL_NANOS, headroom, clock,
				(type, lease) -> fire(new DeviceEvent(type, device, lease)));
		synchronized (this) {
			Entry existing = devices.get(device.id());
			if (existing != null) {
				return existing.arbiter().device();
			}
			devices.put(device.id(), new Entry(physical, arbiter, provider));
		}
		fire(new DeviceEvent(DeviceEvent.Type.DEVICE_ADDED, device, null));
		return device;
	}

	/** GPUs in driver order, then the CPU, then simulated devices (the order of {@link Backend}, then ordinals). */
	public synchronized List<Device> devices() {
		return devices.values().stream().map(e -> e.arbiter().device())
				.sorted(Comparator.comparing(Device::backend).thenComparingInt(Device::ordinal).thenComparing(Device::id)).toList();
	}

	/** See {@link dev.atelier.device.DeviceService#resolve(String)}. */
	public Device resolve(String id) {
		if (id.equals("auto")) {
			String chosen = preferences == null ? "" : preferences.get(PREF_DEFAULT, "").strip();
			if (!chosen.isEmpty() && !chosen.equals("auto")) {
				try {
					return resolve(chosen);
				} catch (IllegalArgumentException e) {
					throw new IllegalArgumentException("the default device (preference " + PREF_DEFAULT + ") '" + chosen + "': " + e.getMessage(), e);
				}
			}
			return devices().stream().filter(d -> d.backend() != Backend.SIMULATED).findFirst()
					.orElseThrow(() -> new IllegalArgumentException("no device for 'auto': " + known()));
		}
		Optional<Entry> found = find(id);
		if (found.isPresent()) {
			return found.get().arbiter().device();
		}
		List<DeviceProvider> providers;
		synchronized (this) {
			providers = List.copyOf(this.providers);
		}
		for (DeviceProvider provider : providers) {
			Optional<PhysicalDevice> made = provider.create(id);
			if (made.isPresent()) {
				return add(made.get(), provider);
			}
		}
		return entry(id).arbiter().device();
	}

	/** Ids the backends make when asked for them, such as {@code sim:rtx4090}. */
	public List<String> onDemand() {
		List<DeviceProvider> providers;
		synchronized (this) {
			providers = List.copyOf(this.providers);
		}
		return providers.stream().flatMap(p -> p.onDemand().stream()).sorted().toList();
	}

	private String known() {
		List<Device> all = devices();
		return all.isEmpty() ? "there are no devices" : "known: " + String.join(", ", all.stream().map(Device::id).toList());
	}

	public synchronized Optional<Entry> find(String id) {
		return Optional.ofNullable(devices.get(id));
	}

	/** The entry of a device id, or an {@link IllegalArgumentException} that lists the known ids. */
	public Entry entry(String id) {
		return find(id).orElseThrow(() -> new IllegalArgumentException("no device '" + id + "'; known: "
				+ String.join(", ", devices().stream().map(Device::id).toList())));
	}

	public List<VramLease> leases() {
		List<Entry> entries;
		synchronized (this) {
			entries = List.copyOf(devices.values());
		}
		return entries.stream().flatMap(e -> e.arbiter().leases().stream()).toList();
	}

	public void addListener(DeviceEvent.Listener listener) {
		listeners.add(listener);
	}

	public void removeListener(DeviceEvent.Listener listener) {
		listeners.remove(listener);
	}

	private void fire(DeviceEvent event) {
		for (DeviceEvent.Listener listener : listeners) {
			try {
				listener.changed(event);
			} catch (RuntimeException e) {
				LOG.log(Level.WARNING, "device listener failed on " + event.type(), e);
			}
		}
	}

	private void evictExpired() {
		List<Entry> entries;
		synchronized (this) {
			entries = List.copyOf(devices.values());
		}
		for (Entry e : entries) {
			try {
				e.arbiter().evictExpired();
			} catch (RuntimeException ex) {
				LOG.log(Level.WARNING, "evicting idle leases on " + e.arbiter().device().id() + " failed", ex);
			}
		}
	}

	/** Lists the leases still open at shutdown (each one a leak of its owner) and releases them. */
	@Deactivate
	public void shutdown() {
		reaper.shutdownNow();
		List<VramLease> open = leases();
		if (!open.isEmpty()) {
			LOG.log(Level.WARNING, "leases still open at shutdown: " + open);
			open.forEach(VramLease::close);
		}
	}
}
