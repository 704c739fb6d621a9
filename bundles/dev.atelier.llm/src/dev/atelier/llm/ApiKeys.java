package dev.atelier.llm;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import dev.atelier.core.secrets.SecretStore;

/**
 * API keys of chat servers, one per base URL, in the workspace's {@link SecretStore}. Messages name the server, not
 * the key.
 */
public record ApiKeys(SecretStore secrets) {

	private static final String NODE = "dev.atelier.llm/servers/";
	private static final String KEY = "apiKey";

	private static String path(URI server) {
		// Node names may not contain '/': the URL is encoded.
		return NODE + Base64.getUrlEncoder().withoutPadding().encodeToString(server.toString().getBytes(StandardCharsets.UTF_8));
	}

	public Optional<String> get(URI server) throws IOException {
		try {
			return secrets.get(path(server), KEY);
		} catch (IOException e) {
			throw new IOException("cannot read the key of " + server + " from " + e.getMessage(), e);
		}
	}

	public void put(URI server, String key) throws IOException {
		try {
			secrets.put(path(server), KEY, key);
		} catch (IOException e) {
			throw new IOException("cannot store the key of " + server + " in " + e.getMessage(), e);
		}
	}

	/** Whether a key of {@code server} was stored. */
	public boolean remove(URI server) throws IOException {
		return secrets.remove(path(server));
	}
}
