package dev.atelier.core.internal.secrets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.equinox.security.storage.ISecurePreferences;
import org.eclipse.equinox.security.storage.SecurePreferencesFactory;
import org.eclipse.equinox.security.storage.StorageException;
import org.eclipse.equinox.security.storage.provider.IProviderHints;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.secrets.SecretStore;

/** The secure storage file of the workspace the environment names, opened when first used. */
@Component(service = SecretStore.class)
public final class WorkspaceSecrets implements SecretStore {

	private final Path file;
	private ISecurePreferences root;

	@Activate
	public WorkspaceSecrets(@Reference AtelierEnvironment env) {
		this(env.paths().workspaceRoot().resolve("secure-storage"));
	}

	/** The storage at {@code file}, created on first write. */
	public WorkspaceSecrets(Path file) {
		this.file = file;
	}

	private synchronized ISecurePreferences root() throws IOException {
		if (root == null) {
			Map<Object, Object> hints = new HashMap<>();
			hints.put(IProviderHints.PROMPT_USER, Boolean.FALSE);
			root = SecurePreferencesFactory.open(file.toUri().toURL(), hints);
			if (root == null) {
				throw new IOException("cannot open the secure storage at " + file);
			}
		}
		return root;
	}

	@Override
	public Optional<String> get(String path, String key) throws IOException {
		try {
			return Optional.ofNullable(root().node(path).get(key, null));
		} catch (StorageException e) {
			throw new IOException("the secure storage: " + e.getMessage(), e);
		}
	}

	@Override
	public void put(String path, String key, String value) throws IOException {
		try {
			root().node(path).put(key, value, true);
			root().flush();
		} catch (StorageException e) {
			throw new IOException("the secure storage: " + e.getMessage(), e);
		}
	}

	@Override
	public void remove(String path) throws IOException {
		root().node(path).removeNode();
		root().flush();
	}
}
