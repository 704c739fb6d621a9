package dev.atelier.device.spi;

import java.util.List;
import java.util.Optional;

/**
 * A backend that finds devices (CUDA, CPU, simulated cards). Register it as an OSGi service; the device service
 * picks it up. It reports what it finds and never throws for a missing driver or library: it then finds nothing.
 */
public interface DeviceProvider {

	List<PhysicalDevice> devices();

	/** Ids of the devices this backend makes when asked for them ({@code sim:rtx4090}, …); none by default. */
	default List<String> onDemand() {
		return List.of();
	}

	/**
	 * Makes the device of an id this backend makes on demand; empty for an id that is not of its kind. The device
	 * service adds it as one of this provider's devices.
	 *
	 * @throws IllegalArgumentException for an id of its kind that it cannot make, naming those it can
	 */
	default Optional<PhysicalDevice> create(String id) {
		return Optional.empty();
	}
}
