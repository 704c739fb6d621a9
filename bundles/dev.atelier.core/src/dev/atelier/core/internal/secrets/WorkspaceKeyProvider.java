package dev.atelier.core.internal.secrets;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import javax.crypto.spec.PBEKeySpec;

import org.eclipse.equinox.security.storage.provider.IPreferencesContainer;
import org.eclipse.equinox.security.storage.provider.PasswordProvider;

/**
 * The master password of Atelier's secure storage: 32 random bytes created on first use in a file readable by its
 * owner only, beside the storage file. Entries are encrypted with it (PBE), so the storage file alone reveals no
 * key; a desktop keyring provider, where installed with a higher priority, takes precedence.
 */
public final class WorkspaceKeyProvider extends PasswordProvider {

	/** The master password's file beside the storage file {@code storage}. */
	static Path keyFile(Path storage) {
		return storage.resolveSibling(storage.getFileName() + ".key");
	}

	@Override
	public PBEKeySpec getPassword(IPreferencesContainer container, int passwordType) {
		try {
			Path master = keyFile(Path.of(container.getLocation().toURI()));
			if (!Files.exists(master)) {
				byte[] secret = new byte[32];
				new SecureRandom().nextBytes(secret);
				Files.createDirectories(master.getParent());
				// owner-only from its creation: set afterwards, the key would be readable to all for a moment
				try (var out = Files.newByteChannel(master, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
						PosixFilePermissions.asFileAttribute(WorkspaceSecrets.OWNER_ONLY))) {
					out.write(ByteBuffer.wrap(Base64.getEncoder().encode(secret)));
				}
			}
			return new PBEKeySpec(Files.readString(master).strip().toCharArray());
		} catch (IOException | URISyntaxException | UnsupportedOperationException e) {
			return null; // secure storage then reports that it cannot be unlocked
		}
	}
}
