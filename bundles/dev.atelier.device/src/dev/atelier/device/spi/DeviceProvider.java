package dev.atelier.device.spi;

import java.util.List;

/**
 * A backend that finds devices (CUDA, CPU). Register it as an OSGi service; the device service picks it up.
 * It reports what it finds and never throws for a missing driver or library: it then finds nothing.
 */
public interface DeviceProvider {

	List<PhysicalDevice> devices();
}
