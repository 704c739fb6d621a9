package dev.atelier.device.sim.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.sim.SimulatedDevices;

/** Adds simulated cards through the device service, which asks {@link SimulatedCards} to make them. */
@Component(service = SimulatedDevices.class)
public final class SimulatedDevicesService implements SimulatedDevices {

	private final DeviceService devices;

	@Activate
	public SimulatedDevicesService(@Reference DeviceService devices) {
		this.devices = devices;
	}

	@Override
	public List<String> profiles() {
		return SimulatedDevice.profiles();
	}

	@Override
	public Device add(String profile) {
		return devices.resolve(PREFIX + profile);
	}
}
