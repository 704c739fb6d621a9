package dev.atelier.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The devices one job may span, as {@code --devices ID,ID…|all} gives them: listed ids (no {@code auto}), or all.
 *
 * @param ids the listed devices in the order given, empty for {@code all}
 */
public record DeviceSelection(List<DeviceId> ids) {

	public static final DeviceSelection ALL = new DeviceSelection(List.of());

	public DeviceSelection {
		ids = List.copyOf(ids);
	}

	public boolean all() {
		return ids.isEmpty();
	}

	public static DeviceSelection parse(String text) {
		if (text.strip().equals("all")) {
			return ALL;
		}
		List<DeviceId> ids = new ArrayList<>();
		for (String part : text.split(",", -1)) {
			DeviceId id = DeviceId.parse(part);
			if (id.isAuto()) {
				throw new IllegalArgumentException("'" + text + "': auto chooses one device; list the ids or say all");
			}
			ids.add(id);
		}
		if (new LinkedHashSet<>(ids).size() != ids.size()) {
			throw new IllegalArgumentException("'" + text + "' names a device twice");
		}
		return new DeviceSelection(ids);
	}

	@Override
	public String toString() {
		return all() ? "all" : String.join(",", ids.stream().map(DeviceId::id).toList());
	}
}
