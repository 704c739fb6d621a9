package dev.atelier.device.spi;

import java.util.Optional;

import dev.atelier.device.Device;

/**
 * What a bundle knows about a device that its user should be warned of, such as the kernels bundle's "this driver
 * is too old for kernels built with CUDA 13". Register it as an OSGi service; {@code atelier devices} and
 * {@code atelier info} show every note.
 */
public interface DeviceNote {

	/** The warning for this device, or empty when there is none. */
	Optional<String> warning(Device device);

	/**
	 * What the bundle tells about the device that is no warning, such as what the compute runtime runs on it; empty by
	 * default. {@code atelier devices} shows it.
	 */
	default Optional<String> about(Device device) {
		return Optional.empty();
	}
}
