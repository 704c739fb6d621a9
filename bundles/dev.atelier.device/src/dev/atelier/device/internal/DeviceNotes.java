package dev.atelier.device.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.atelier.device.Device;
import dev.atelier.device.spi.DeviceNote;

/** Every installed {@link DeviceNote}'s warnings about a device, for {@code atelier devices} and {@code atelier info}. */
@Component(service = DeviceNotes.class)
public final class DeviceNotes {

	private final List<DeviceNote> notes = new CopyOnWriteArrayList<>();

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	public void addNote(DeviceNote note) {
		notes.add(note);
	}

	public void removeNote(DeviceNote note) {
		notes.remove(note);
	}

	/** The warnings about a device, or an empty list. */
	public List<String> warnings(Device device) {
		return notes.stream().map(n -> n.warning(device)).flatMap(Optional::stream).toList();
	}

	/** What the notes tell about a device beyond warnings, or an empty list. */
	public List<String> about(Device device) {
		return notes.stream().map(n -> n.about(device)).flatMap(Optional::stream).toList();
	}

	/** All warnings about a device in one line, or empty. */
	public Optional<String> problem(Device device) {
		List<String> warnings = warnings(device);
		return warnings.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", warnings));
	}
}
