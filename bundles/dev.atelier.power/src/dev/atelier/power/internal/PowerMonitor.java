package dev.atelier.power.internal;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.atelier.core.jobs.EnergyMeter;
import dev.atelier.power.AlertRules;
import dev.atelier.power.Energy;
import dev.atelier.power.Sampler;
import dev.atelier.power.TelemetrySource;

/**
 * Samples every telemetry source in the background (every 250 ms) from the first time energy is asked for,
 * logs alerts as they are raised and cleared, and measures jobs' energy for their records.
 */
@Component(service = EnergyMeter.class)
public final class PowerMonitor implements EnergyMeter {

	private static final System.Logger LOG = System.getLogger(PowerMonitor.class.getName());

	private final Sampler sampler;
	private final AlertRules alerts = AlertRules.defaults();

	@Activate
	public PowerMonitor(@Reference(cardinality = ReferenceCardinality.MULTIPLE, policyOption = ReferencePolicyOption.GREEDY) List<TelemetrySource> sources) {
		sampler = new Sampler(sources, Sampler.DEFAULT_PERIOD_MILLIS, 10 * 60 * 1000L);
		sampler.addListener(sample -> alerts.evaluate(sample).forEach(a -> LOG.log(a.raised() ? Level.WARNING : Level.INFO,
				(a.raised() ? "alert: " : "alert cleared: ") + a.message())));
		sampler.start();
	}

	@Deactivate
	public void close() {
		sampler.close();
	}

	/** The energy of all sampled devices together over the measured section. */
	@Override
	public Measurement start() {
		Sampler.Section section = sampler.measure();
		return () -> {
			Map<String, Energy> perDevice = section.close();
			if (perDevice.isEmpty()) {
				return Optional.empty();
			}
			double joules = perDevice.values().stream().mapToDouble(Energy::joules).sum();
			double seconds = perDevice.values().stream().mapToDouble(Energy::seconds).max().orElse(1);
			double peak = perDevice.values().stream().mapToDouble(e -> Double.isNaN(e.peakWatts()) ? 0 : e.peakWatts()).sum();
			return Optional.of(new Reading(joules, joules / seconds, peak));
		};
	}
}
