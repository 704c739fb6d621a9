package dev.atelier.core.internal.secrets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

	private static final System.Logger LOG = System.getLogger(WorkspaceSecrets.class.getName());

	/** Values are encrypted, but the file also names the servers: only its owner reads it. */
	static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

	private final Path file;
	private ISecurePreferences root;

	@Activate
	public WorkspaceSecrets(@Reference AtelierEnvironment env) {
		this(env.paths().workspaceRoot().resolve("secure-storage"));
	}

	/**
	 * The storage at {@code file}, created on first write. A factory, not a second public constructor: DS picks among
	 * public constructors by their number of parameters, and two of one parameter leave the choice to reflection's order.
	 */
	public static WorkspaceSecrets at(Path file) {
		return new WorkspaceSecrets(file);
	}

	private WorkspaceSecrets(Path file) {
		this.file = file;
	}

	private synchronized ISecurePreferences root() throws IOException {
		if (root == null) {
			ownerOnly(file);
			ownerOnly(WorkspaceKeyProvider.keyFile(file));
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
			flush();
		} catch (StorageException e) {
			throw new IOException("the secure storage: " + e.getMessage(), e);
		}
	}

	@Override
	public boolean remove(String path) throws IOException {
		if (!root().nodeExists(path)) {
			return false;
		}
		root().node(path).removeNode();
		flush();
		return true;
	}

	/** Older versions left the storage and its key readable to all: closed before they are read, not at the next write. */
	private static void ownerOnly(Path f) throws IOException {
		if (Files.exists(f) && !Files.getPosixFilePermissions(f).equals(OWNER_ONLY)) {
			Files.setPosixFilePermissions(f, OWNER_ONLY);
			LOG.log(System.Logger.Level.WARNING, f + " could be read by other users; it is now its owner's only (rw-------)");
		}
	}

	/** Writes the storage into a file that only its owner can read, created so before anything is written to it. */
	private void flush() throws IOException {
		if (!Files.exists(file)) {
			Files.createDirectories(file.toAbsolutePath().getParent());
			Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
		}
		root().flush();
	}
}
