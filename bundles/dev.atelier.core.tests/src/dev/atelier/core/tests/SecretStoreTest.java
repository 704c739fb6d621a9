package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.internal.secrets.WorkspaceSecrets;
import dev.atelier.core.secrets.SecretStore;

/** In the OSGi runtime: secrets go to Eclipse secure storage, encrypted, and come back in a later session. */
class SecretStoreTest {

	@Test
	void secretsAreStoredEncryptedPerNodeAndReadBackLater(@TempDir Path dir) throws Exception {
		Path storage = dir.resolve("secure-storage");
		String ollama = "dev.atelier.llm/servers/ollama";
		String vllm = "dev.atelier.llm/servers/vllm";
		SecretStore secrets = WorkspaceSecrets.at(storage);
		assertEquals(Optional.empty(), secrets.get(ollama, "apiKey"));
		secrets.put(ollama, "apiKey", "sk-ollama-123");
		secrets.put(vllm, "apiKey", "sk-vllm-456");

		assertEquals(Optional.of("sk-ollama-123"), WorkspaceSecrets.at(storage).get(ollama, "apiKey"), "read back through a new handle");
		assertEquals(Optional.of("sk-vllm-456"), WorkspaceSecrets.at(storage).get(vllm, "apiKey"));
		String file = Files.readString(storage);
		assertFalse(file.contains("sk-ollama-123") || file.contains("sk-vllm-456"), "no secret in clear in the storage file");
		Path master = dir.resolve("secure-storage.key");
		assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(master));
		assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(storage), "the storage names the servers");

		assertTrue(secrets.remove(ollama));
		assertFalse(secrets.remove(ollama), "a second removal finds nothing");
		assertEquals(Optional.empty(), WorkspaceSecrets.at(storage).get(ollama, "apiKey"));
		assertTrue(WorkspaceSecrets.at(storage).get(vllm, "apiKey").isPresent());
	}

	@Test
	void storageAnOlderVersionLeftReadableToAllIsMadeOwnerOnlyWhenRead(@TempDir Path dir) throws Exception {
		Path storage = dir.resolve("secure-storage");
		Path master = dir.resolve("secure-storage.key");
		String node = "dev.atelier.llm/servers/ollama";
		WorkspaceSecrets.at(storage).put(node, "apiKey", "sk-ollama-123");
		Files.setPosixFilePermissions(storage, PosixFilePermissions.fromString("rw-r--r--"));
		Files.setPosixFilePermissions(master, PosixFilePermissions.fromString("rw-r--r--"));

		assertEquals(Optional.of("sk-ollama-123"), WorkspaceSecrets.at(storage).get(node, "apiKey"));
		assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(storage), "the storage, on reading, not at the next write");
		assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(master), "the key beside it");
	}
}
