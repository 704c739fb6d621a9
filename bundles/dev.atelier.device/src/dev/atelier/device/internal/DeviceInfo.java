package dev.atelier.device.internal;

import java.util.Map;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.device.spi.Bytes;
import dev.atelier.core.InfoContributor;
import dev.atelier.device.Device;

/** The device summary of {@code atelier info} and the About dialog. */
@Component(service = InfoContributor.class)
public final class DeviceInfo implements InfoContributor {

	private final DeviceRegistry registry;
	private final DeviceNotes notes;

	@Activate
	public DeviceInfo(@Reference DeviceRegistry registry, @Reference DeviceNotes notes) {
		this.registry = registry;
		this.notes = notes;
	}

	@Override
	public Map<String, String> facts() {
		String devices = registry.devices().stream().map(this::summary).collect(Collectors.joining("; "));
		return Map.of("devices", devices.isEmpty() ? "none found (no CUDA driver, no CPU provider)" : devices);
	}

	String summary(Device d) {
		return d.id() + " " + d.name() + " (" + Bytes.format(d.totalBytes())
				+ (d.computeCapability() == null ? "" : ", compute " + d.computeCapability())
				+ notes.problem(d).map(p -> ", " + p).orElse("") + ")";
	}
}
