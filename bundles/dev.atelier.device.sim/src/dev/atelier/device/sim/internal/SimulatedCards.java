package dev.atelier.device.sim.internal;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

import dev.atelier.core.Preferences;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.device.spi.DeviceProvider;
import dev.atelier.device.spi.PhysicalDevice;

/**
 * The simulated backend: the cards of the preference {@code device.simulate} (comma-separated profiles) from the
 * start, and any {@code sim:PROFILE} the device service is asked for, numbered in the order they were added.
 */
@Component(service = DeviceProvider.class)
public final class SimulatedCards implements DeviceProvider {

	private static final System.Logger LOG = System.getLogger(SimulatedCards.class.getName());

	private final Map<String, SimulatedDevice> cards = new LinkedHashMap<>();

	@Activate
	public SimulatedCards(@Reference(cardinality = ReferenceCardinality.OPTIONAL) Preferences preferences) {
		if (preferences != null) {
			for (String profile : preferences.get(SimulatedDevices.PREFERENCE, "").split(",")) {
				if (!profile.isBlank()) {
					try {
						card(profile.strip());
					} catch (IllegalArgumentException e) {
						LOG.log(Level.WARNING, "preference " + SimulatedDevices.PREFERENCE + ": " + e.getMessage());
					}
				}
			}
		}
	}

	/** Plain-Java construction for tests: no cards until asked for. */
	public SimulatedCards() {
		this(null);
	}

	@Override
	public synchronized List<PhysicalDevice> devices() {
		return new ArrayList<>(cards.values());
	}

	@Override
	public List<String> onDemand() {
		return SimulatedDevice.profiles().stream().map(p -> SimulatedDevices.PREFIX + p).toList();
	}

	@Override
	public Optional<PhysicalDevice> create(String id) {
		return id.startsWith(SimulatedDevices.PREFIX) ? Optional.of(card(id.substring(SimulatedDevices.PREFIX.length()))) : Optional.empty();
	}

	/** The card of a profile, made (and numbered) the first time it is asked for. */
	private synchronized SimulatedDevice card(String profile) {
		SimulatedDevice card = cards.get(profile);
		if (card == null) {
			card = SimulatedDevice.of(profile).withOrdinal(cards.size());
			cards.put(profile, card);
		}
		return card;
	}
}
