package dev.atelier.device.sim;

import java.util.List;

import dev.atelier.device.Device;

/**
 * Adds simulated GPUs (for CI, planning and demos) to the device service: cards from profiles of real cards'
 * published attributes, with ids {@code sim:PROFILE}, or {@code sim:PROFILE=SIZE} for that card with less memory, all of
 * it leasable (e.g. {@code sim:rtx4090=1100m}: what runs on a small card). Their memory is booked like a driver's; they run no kernels.
 * The preference {@code device.simulate} (comma-separated profiles) adds cards at start.
 */
public interface SimulatedDevices {

	/** The preference (comma-separated profiles) whose cards are added at start. */
	String PREFERENCE = "device.simulate";

	/** The id prefix of simulated cards. */
	String PREFIX = Device.SIMULATED_PREFIX;

	/** The profiles, sorted: {@code a6000}, {@code h100}, {@code rtx3090}, {@code rtx4090}. */
	List<String> profiles();

	/**
	 * Adds the simulated card of a profile to the device service, or returns it when it is there already.
	 *
	 * @throws IllegalArgumentException naming the known profiles for an unknown one
	 */
	Device add(String profile);
}
