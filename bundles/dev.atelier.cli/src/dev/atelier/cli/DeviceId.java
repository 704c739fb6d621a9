package dev.atelier.cli;

import java.util.regex.Pattern;

/**
 * The id of a device as {@code --device ID} gives it: {@code cpu}, {@code cuda:N}, {@code sim:PROFILE} (the ids
 * {@code atelier devices} lists) or {@code auto} (the device service chooses). Only the syntax is checked here;
 * the device service resolves the id and names the devices it knows when there is none.
 */
public record DeviceId(String id) {

	// before the constants, which it checks
	private static final Pattern FORM = Pattern.compile("cpu|auto|cuda:\\d+|sim:[A-Za-z0-9][A-Za-z0-9._:=-]*");

	public static final DeviceId CPU = new DeviceId("cpu");
	public static final DeviceId AUTO = new DeviceId("auto");

	public DeviceId {
		if (!FORM.matcher(id).matches()) {
			throw new IllegalArgumentException("'" + id + "' is not a device id: cpu, cuda:N, sim:PROFILE or auto");
		}
	}

	public static DeviceId parse(String text) {
		return new DeviceId(text.strip());
	}

	public boolean isAuto() {
		return equals(AUTO);
	}

	@Override
	public String toString() {
		return id;
	}
}
