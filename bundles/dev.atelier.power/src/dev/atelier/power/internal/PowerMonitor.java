package dev.atelier.power.internal;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.atelier.core.Notices;
import dev.atelier.core.Preferences;
import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceEvent;
import dev.atelier.device.DeviceService;
import dev.atelier.power.Alert;
import dev.atelier.power.AlertRules;
import dev.atelier.power.Energy;
import dev.atelier.power.PowerService;
import dev.atelier.power.Sample;
import dev.atelier.power.Sampler;
import dev.atelier.power.TelemetrySource;

/**
 * Samples every telemetry source in the background (every 250 ms) from the first time energy is asked for,
 * logs alerts as they are raised and cleared, and measures jobs' energy for their records.
 */
@Component(service = { EnergyMeter.class, PowerService.class })
public final class PowerMonitor implements EnergyMeter, PowerService {

	private static final System.Logger LOG = System.getLogger(PowerMonitor.class.getName());

	/** The sampling period in milliseconds (10 or more); 250 when unset. */
	public static final String PREF_PERIOD = "power.periodMillis";

	private final List<TelemetrySource> sources;
	/** Telemetry of the device service's simulated cards, added as they appear. */
	private final List<TelemetrySource> simulated = new CopyOnWriteArrayList<>();
	private final DeviceEvent.Listener deviceListener = e -> {
		if (e.type() == DeviceEvent.Type.DEVICE_ADDED) {
			follow(e.device());
		}
	};
	private final long periodMillis;
	private final BundleContext context;
	/** The device service, held as a reference until sampling starts: getting it would start device discovery. */
	private ServiceReference<DeviceService> devicesRef;
	private DeviceService devices;
	private final AlertRules alerts = AlertRules.defaults();
	private Sampler sampler;
	private volatile Notices notices;

	@Activate
	public PowerMonitor(@Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY) List<TelemetrySource> sources,
			@Reference(cardinality = ReferenceCardinality.OPTIONAL) Preferences preferences, BundleContext context) {
		this.sources = List.copyOf(sources);
		this.context = context;
		this.periodMillis = period(preferences == null ? null : preferences.get(PREF_PERIOD, null));
	}

	/** The preference's period, or the default with a warning naming the preference when it is not usable. */
	static long period(String value) {
		if (value == null || value.isBlank()) {
			return Sampler.DEFAULT_PERIOD_MILLIS;
		}
		String problem = periodProblem(value.strip());
		if (problem == null) {
			return Long.parseLong(value.strip());
		}
		LOG.log(Level.WARNING, "preference " + PREF_PERIOD + ": " + problem + "; sampling every " + Sampler.DEFAULT_PERIOD_MILLIS + " ms");
		return Sampler.DEFAULT_PERIOD_MILLIS;
	}

	/** Null for a whole number of milliseconds, 10 or more; else what is wrong. */
	static String periodProblem(String value) {
		try {
			if (Long.parseLong(value) >= 10) {
				return null;
			}
		} catch (NumberFormatException e) {
			// the same answer as a number below 10
		}
		return "a whole number of milliseconds, 10 or more, not '" + value + "'";
	}

	/** Starts sampling on first use, so that a CLI call that needs no power data does not pay for it. */
	private synchronized Sampler sampler() {
		if (sampler == null) {
			sampler = new Sampler(sources, periodMillis, 10 * 60 * 1000L);
			attachDevices();
			sampler.addListener(sample -> alerts.evaluate(sample).forEach(this::announce));
			sampler.start();
		}
		return sampler;
	}

	/**
	 * Simulated cards added in the Devices view or by the device.simulate preference get simulated telemetry. Bound
	 * as a reference so that a CLI call that samples nothing does not start the device service (and CUDA discovery).
	 */
	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, service = DeviceService.class)
	public synchronized void setDevices(ServiceReference<DeviceService> reference) {
		devicesRef = reference;
		if (sampler != null) {
			attachDevices();
		}
	}

	public synchronized void unsetDevices(ServiceReference<DeviceService> reference) {
		if (reference.equals(devicesRef)) {
			detachDevices();
			devicesRef = null;
		}
	}

	private synchronized void attachDevices() {
		if (devicesRef != null && devices == null) {
			devices = context.getService(devicesRef);
			if (devices != null) {
				devices.addListener(deviceListener);
				devices.devices().forEach(this::follow);
			}
		}
	}

	private synchronized void detachDevices() {
		if (devices != null) {
			devices.removeListener(deviceListener);
			context.ungetService(devicesRef);
			devices = null;
		}
	}

	private synchronized void follow(Device device) {
		Optional<String> profile = device.simulationProfile();
		if (profile.isEmpty() || simulated.stream().anyMatch(s -> s.deviceIds().contains(device.id()))) {
			return;
		}
		String id = device.id();
		// the card's load follows its leases: busy while one is in use
		TelemetrySource source = new SimulatedTelemetry(profile.get(), System::currentTimeMillis, () -> busy(id) ? 1 : 0);
		simulated.add(source);
		if (sampler != null) {
			sampler.add(source);
		}
	}

	private boolean busy(String deviceId) {
		DeviceService service;
		synchronized (this) {
			service = devices;
		}
		return service != null && service.leases().stream().anyMatch(l -> l.deviceId().equals(deviceId) && l.busy());
	}

	@Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
	public void setNotices(Notices board) {
		notices = board;
	}

	public void unsetNotices(Notices board) {
		if (notices == board) {
			notices = null;
		}
	}

	/** Logs an alert and shows it in the status line until it clears. */
	private void announce(Alert alert) {
		LOG.log(alert.raised() ? Level.WARNING : Level.INFO, (alert.raised() ? "alert: " : "alert cleared: ") + alert.message());
		Notices board = notices;
		if (board != null) {
			String key = "power:" + alert.deviceId() + ":" + alert.kind();
			if (alert.raised()) {
				board.post(key, Notices.Severity.WARNING, alert.message());
			} else {
				board.clear(key);
			}
		}
	}

	@Deactivate
	public synchronized void close() {
		detachDevices();
		if (sampler != null) {
			sampler.close();
		}
	}

	@Override
	public List<String> deviceIds() {
		return sampler().deviceIds().stream().sorted().toList();
	}

	@Override
	public List<Sample> history(String deviceId, long fromMillis, long toMillis) {
		return sampler().history(deviceId, fromMillis, toMillis);
	}

	@Override
	public Map<String, String> lostDevices() {
		return sampler().lost();
	}

	@Override
	public List<String> absentSources() {
		return sources.stream().flatMap(s -> s.absence().stream()).toList();
	}

	/** The energy of the sampled devices over the measured section: all of them, or those asked for. */
	@Override
	public Measurement start() {
		Sampler.Section section = sampler().measure();
		return new Measurement() {
			@Override
			public Optional<Reading> stop() {
				return reading(section.close());
			}

			@Override
			public Optional<Reading> stop(Collection<String> deviceIds) {
				Map<String, Energy> perDevice = new HashMap<>(section.close());
				perDevice.keySet().retainAll(Set.copyOf(deviceIds));
				return reading(perDevice);
			}
		};
	}

	private Optional<Reading> reading(Map<String, Energy> perDevice) {
		if (perDevice.isEmpty()) {
			return Optional.empty();
		}
		double joules = perDevice.values().stream().mapToDouble(Energy::joules).sum();
		// each card's average over its own samples, summed: the cards' sampled spans differ by a few milliseconds
		double watts = perDevice.values().stream().mapToDouble(Energy::averageWatts).sum();
		double peak = perDevice.values().stream().mapToDouble(e -> Double.isNaN(e.peakWatts()) ? 0 : e.peakWatts()).sum();
		boolean made = java.util.stream.Stream.concat(sources.stream(), simulated.stream())
				.anyMatch(s -> s.simulated() && s.deviceIds().stream().anyMatch(perDevice::containsKey));
		return Optional.of(new Reading(joules, watts, peak, made));
	}
}
