package dev.atelier.testing.devices;

import java.util.List;
import java.util.Optional;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceEvent.Listener;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStatus;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;

/**
 * A device service that only lists devices: for choosing a device without hardware. It grants no leases; a test
 * that needs them uses the real device service with a simulated card.
 */
public record FakeDeviceService(List<Device> devices) implements DeviceService {

	public FakeDeviceService {
		devices = List.copyOf(devices);
	}

	public static FakeDeviceService of(Device... devices) {
		return new FakeDeviceService(List.of(devices));
	}

	@Override
	public Optional<Device> device(String id) {
		return devices.stream().filter(d -> d.id().equals(id)).findFirst();
	}

	@Override
	public Device resolve(String id) {
		Optional<Device> found = id.equals("auto") ? devices.stream().findFirst() : device(id);
		return found.orElseThrow(() -> new IllegalArgumentException("no device '" + id + "'; known: "
				+ String.join(", ", devices.stream().map(Device::id).toList())));
	}

	@Override
	public DeviceStatus status(String deviceId) {
		Device d = resolve(deviceId);
		return new DeviceStatus(d, d.totalBytes(), d.totalBytes(), 0, 0, List.of());
	}

	@Override
	public VramLease acquire(String deviceId, LeaseRequest request) {
		throw new UnsupportedOperationException("a device list grants no leases");
	}

	@Override
	public List<VramLease> leases() {
		return List.of();
	}

	@Override
	public boolean evict(VramLease lease) {
		return false;
	}

	@Override
	public ComputeContext openContext(VramLease lease) {
		throw new UnsupportedOperationException("a device list opens no contexts");
	}

	@Override
	public void addListener(Listener listener) {
	}

	@Override
	public void removeListener(Listener listener) {
	}
}
