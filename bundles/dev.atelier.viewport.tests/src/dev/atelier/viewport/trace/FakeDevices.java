package dev.atelier.viewport.trace;

import java.util.List;
import java.util.Optional;

import dev.atelier.device.Backend;
import dev.atelier.device.ComputeCapability;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceEvent.Listener;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStatus;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;

/** A device service that only lists devices: for choosing a backend without hardware. */
public record FakeDevices(List<Device> devices) implements DeviceService {

	public static final Device CPU = new Device("cpu", "CPU", Backend.CPU, null, 16, 3_000_000, 0, 0, 64L << 30, 512, "", "");

	public static Device cuda(String id, String cudaVersion, int major, int minor) {
		return new Device(id, "GPU " + id, Backend.CUDA, new ComputeCapability(major, minor), 132, 1_980_000, 2_619_000, 5120, 80L << 30, 0, "580.65.06",
				cudaVersion);
	}

	@Override
	public Optional<Device> device(String id) {
		return devices.stream().filter(d -> d.id().equals(id)).findFirst();
	}

	@Override
	public DeviceStatus status(String deviceId) {
		throw new UnsupportedOperationException();
	}

	@Override
	public VramLease acquire(String deviceId, LeaseRequest request) {
		throw new UnsupportedOperationException("no leases from a device list");
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
		throw new UnsupportedOperationException();
	}

	@Override
	public Device simulate(String profile) {
		throw new UnsupportedOperationException();
	}

	@Override
	public List<String> simulationProfiles() {
		return List.of();
	}

	@Override
	public void addListener(Listener listener) {
	}

	@Override
	public void removeListener(Listener listener) {
	}
}
