package dev.atelier.compute.internal;

import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.Device;
import dev.atelier.device.spi.DeviceNote;

/** Tells {@code atelier devices} what the compute runtime runs on each device (kernels, cuBLAS and where it was found). */
@Component(service = DeviceNote.class)
public final class ComputeDeviceNote implements DeviceNote {

	private final ComputeRuntime runtime;

	@Activate
	public ComputeDeviceNote(@Reference ComputeRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public Optional<String> warning(Device device) {
		return Optional.empty();
	}

	@Override
	public Optional<String> about(Device device) {
		return Optional.of("compute " + runtime.describe(device));
	}
}
