package dev.atelier.power.internal;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.Setting;
import dev.atelier.core.SettingsPage;
import dev.atelier.power.Sampler;

/** Window ▸ Preferences ▸ Power: how often the devices' telemetry is sampled. */
@Component(service = SettingsPage.class)
public final class PowerSettings implements SettingsPage {

	@Override
	public String title() {
		return "Power";
	}

	@Override
	public List<Setting> settings() {
		return List.of(Setting.text(PowerMonitor.PREF_PERIOD, "Sampling period (ms)",
				"How often power, temperature, clocks and memory are read while Atelier runs; 10 or more. Takes effect at the next start",
				Long.toString(Sampler.DEFAULT_PERIOD_MILLIS), PowerMonitor::periodProblem));
	}
}
