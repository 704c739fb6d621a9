package dev.atelier.device.sim;

import java.util.List;
import java.util.Optional;

import dev.atelier.device.Backend;
import dev.atelier.device.Device;

/**
 * Adds simulated GPUs (for CI, planning and demos) to the device service: cards from profiles of real cards'
 * published attributes, with ids {@code sim:PROFILE}. Their memory is booked like a driver's; they run no kernels.
 * The preference {@code device.simulate} (comma-separated profiles) adds cards at start.
 */
public interface SimulatedDevices {

	/** The id prefix of simulated cards. */
	String PREFIX = "sim:";

	/** The profiles, sorted: {@code a6000}, {@code h100}, {@code rtx3090}, {@code rtx4090}. */
	List<String> profiles();

	/**
	 * Adds the simulated card of a profile to the device service, or returns it when it is there already.
	 *
	 * @throws IllegalArgumentException naming the known profiles for an unknown one
	 */
	Device add(String profile);

	/** The profile a simulated card was made from; empty for every other device. */
	static Optional<String> profile(Device device) {
		return device.backend() == Backend.SIMULATED && device.id().startsWith(PREFIX) ? Optional.of(device.id().substring(PREFIX.length()))
				: Optional.empty();
	}
}
