package dev.atelier.device;

/** Something that happened on the device service; {@code lease} is null for device events. */
public record DeviceEvent(Type type, Device device, VramLease lease) {

	public enum Type {
		DEVICE_ADDED, DEVICE_REMOVED, LEASE_GRANTED, LEASE_EVICTED, LEASE_RELEASED
	}

	@FunctionalInterface
	public interface Listener {
		/** Called after the change, outside the arbiter's lock, on the thread that made it. */
		void changed(DeviceEvent event);
	}
}
