package dev.atelier.power.ui.internal;

import org.eclipse.e4.core.di.extensions.Service;

import dev.atelier.power.PowerService;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

/** A workbench add-on: power sampling (and with it temperature and throttling alerts) runs while the IDE does. */
public final class PowerWatch {

	@Inject
	@Service
	private PowerService power;

	@PostConstruct
	void start() {
		// Asking for the devices starts the background sampler.
		power.deviceIds();
	}
}
