package dev.atelier.kernels.internal;

import java.util.Optional;

import org.osgi.service.component.annotations.Component;

import dev.atelier.device.Device;
import dev.atelier.device.spi.DeviceNote;
import dev.atelier.kernels.Kernels;

/** Warns, in {@code atelier devices} and {@code atelier info}, of GPUs that cannot run the kernels Atelier ships. */
@Component(service = DeviceNote.class)
public final class KernelsDeviceNote implements DeviceNote {

	@Override
	public Optional<String> warning(Device device) {
		return Kernels.incompatibility(device);
	}
}
