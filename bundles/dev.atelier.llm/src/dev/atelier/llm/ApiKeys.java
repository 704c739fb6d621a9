package dev.atelier.llm;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.equinox.security.storage.ISecurePreferences;
import org.eclipse.equinox.security.storage.SecurePreferencesFactory;
import org.eclipse.equinox.security.storage.StorageException;
import org.eclipse.equinox.security.storage.provider.IProviderHints;

/**
 * API keys of chat servers, one per base URL, in Eclipse secure storage (a file in the workspace, entries
 * encrypted): never written in clear and never logged. Messages name the server, not the key.
 */
public final class ApiKeys {

	private static final String NODE = "dev.atelier.llm/servers";

	private final ISecurePreferences root;

	private ApiKeys(ISecurePreferences root) {
		this.root = root;
	}

	/** The workspace's storage, {@code <workspace>/secure-storage}. */
	public static ApiKeys forWorkspace(Path workspaceRoot) throws IOException {
		return open(workspaceRoot.resolve("secure-storage"));
	}

	/** The storage at {@code file}, created on first write. */
	public static ApiKeys open(Path file) throws IOException {
		Map<Object, Object> hints = new HashMap<>();
		hints.put(IProviderHints.PROMPT_USER, Boolean.FALSE);
		URL url = file.toUri().toURL();
		ISecurePreferences root = SecurePreferencesFactory.open(url, hints);
		if (root == null) {
			throw new IOException("cannot open the secure storage at " + file);
		}
		return new ApiKeys(root);
	}

	private ISecurePreferences node(URI server) {
		// Node names may not contain '/': the URL is encoded.
		return root.node(NODE).node(Base64.getUrlEncoder().withoutPadding().encodeToString(server.toString().getBytes(StandardCharsets.UTF_8)));
	}

	public Optional<String> get(URI server) throws IOException {
		try {
			return Optional.ofNullable(node(server).get("apiKey", null));
		} catch (StorageException e) {
			throw new IOException("cannot read the key of " + server + " from the secure storage: " + e.getMessage(), e);
		}
	}

	public void put(URI server, String key) throws IOException {
		try {
			node(server).put("apiKey", key, true);
			root.flush();
		} catch (StorageException e) {
			throw new IOException("cannot store the key of " + server + " in the secure storage: " + e.getMessage(), e);
		}
	}

	public void remove(URI server) throws IOException {
		node(server).removeNode();
		root.flush();
	}
}
