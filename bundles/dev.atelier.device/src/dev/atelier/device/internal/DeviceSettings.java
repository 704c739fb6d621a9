package dev.atelier.device.internal;

import java.util.List;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Component;

import dev.atelier.core.Setting;
import dev.atelier.core.SettingsPage;

/** Window ▸ Preferences ▸ Devices: what {@code auto} means, and the VRAM kept free for the desktop and the driver. */
@Component(service = SettingsPage.class)
public final class DeviceSettings implements SettingsPage {

	private static final Pattern DEVICE_ID = Pattern.compile("auto|cpu|cuda:\\d+|sim:[a-z0-9]+");

	@Override
	public String title() {
		return "Devices";
	}

	@Override
	public List<Setting> settings() {
		return List.of(
				Setting.text(DeviceRegistry.PREF_DEFAULT, "Default device",
						"Where work set to auto runs: auto (the first GPU, else the CPU), cpu, cuda:N or sim:PROFILE", "auto",
						v -> DEVICE_ID.matcher(v).matches() ? null : "auto, cpu, cuda:N or sim:PROFILE, not '" + v + "'"),
				Setting.text(DeviceRegistry.PREF_HEADROOM_MIB, "VRAM headroom (MiB)",
						"Memory of each GPU that leases never take (the desktop's and the driver's); empty: each backend's own", "",
						DeviceSettings::wholeMiB));
	}

	private static String wholeMiB(String value) {
		try {
			return Long.parseLong(value) >= 0 ? null : "a whole number of MiB, 0 or more, not '" + value + "'";
		} catch (NumberFormatException e) {
			return "a whole number of MiB, not '" + value + "'";
		}
	}
}
