package dev.atelier.testing;

import java.util.HashMap;
import java.util.Map;

import dev.atelier.core.Preferences;

/** Preferences in memory for tests. */
public final class MemoryPreferences implements Preferences {

	private final Map<String, String> values = new HashMap<>();

	@Override
	public String get(String key, String defaultValue) {
		return values.getOrDefault(key, defaultValue);
	}

	@Override
	public boolean getBoolean(String key, boolean defaultValue) {
		return values.containsKey(key) ? Boolean.parseBoolean(values.get(key)) : defaultValue;
	}

	@Override
	public void put(String key, String value) {
		values.put(key, value);
	}

	@Override
	public void save() {
	}
}
