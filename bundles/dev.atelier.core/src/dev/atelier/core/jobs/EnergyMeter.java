package dev.atelier.core.jobs;

import java.util.Collection;
import java.util.Optional;

/**
 * Measures the energy the machine's devices draw while work runs. The power bundle provides it where it can
 * read power; job records then carry joules and watts.
 */
public interface EnergyMeter {

	/**
	 * Energy over a measured section, summed over the devices that were read.
	 *
	 * @param simulated whether a simulated device's made-up figures are part of it
	 */
	record Reading(double joules, double averageWatts, double peakWatts, boolean simulated) {
		public Reading(double joules, double averageWatts, double peakWatts) {
			this(joules, averageWatts, peakWatts, false);
		}
	}

	interface Measurement {
		/** Ends the measurement; empty when no device could be read over it. */
		Optional<Reading> stop();

		/**
		 * Ends the measurement, summing only these devices (ids as the device service names them): a job is billed
		 * the devices it used. Empty when none of them could be read. A meter that cannot tell devices apart
		 * answers as {@link #stop()}.
		 */
		default Optional<Reading> stop(Collection<String> deviceIds) {
			return stop();
		}
	}

	Measurement start();
}
