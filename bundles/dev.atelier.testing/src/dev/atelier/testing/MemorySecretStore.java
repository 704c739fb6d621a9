package dev.atelier.testing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.atelier.core.secrets.SecretStore;

/** A {@link SecretStore} in memory, keyed as the real one is (node path, key), for tests that look at what was stored. */
public final class MemorySecretStore implements SecretStore {

	private final Map<String, String> values = new ConcurrentHashMap<>();

	@Override
	public Optional<String> get(String path, String key) {
		return Optional.ofNullable(values.get(path + "#" + key));
	}

	@Override
	public void put(String path, String key, String value) {
		values.put(path + "#" + key, value);
	}

	@Override
	public boolean remove(String path) {
		return values.keySet().removeIf(k -> k.startsWith(path + "/") || k.startsWith(path + "#"));
	}

	/** Every entry as {@code path#key}. */
	public Map<String, String> entries() {
		return Map.copyOf(values);
	}
}
