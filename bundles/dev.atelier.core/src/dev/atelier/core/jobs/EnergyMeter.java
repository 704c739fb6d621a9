package dev.atelier.core.jobs;

import java.util.Optional;

/**
 * Measures the energy the machine's devices draw while work runs. The power bundle provides it where it can
 * read power; job records then carry joules and watts.
 */
public interface EnergyMeter {

	/** Energy over a measured section, summed over the devices that were read. */
	record Reading(double joules, double averageWatts, double peakWatts) {
	}

	interface Measurement {
		/** Ends the measurement; empty when no device could be read over it. */
		Optional<Reading> stop();
	}

	Measurement start();
}
