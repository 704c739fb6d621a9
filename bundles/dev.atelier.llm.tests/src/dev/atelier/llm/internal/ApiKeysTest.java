package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ApiKeys;

/** In the OSGi runtime: server keys go to Eclipse secure storage, encrypted, and come back in a later session. */
class ApiKeysTest {

	@Test
	void keysAreStoredEncryptedPerServerAndReadBackLater(@TempDir Path dir) throws Exception {
		Path storage = dir.resolve("secure-storage");
		URI ollama = URI.create("http://localhost:11434/v1");
		URI vllm = URI.create("https://gpu.example:8000/v1");
		ApiKeys keys = ApiKeys.open(storage);
		assertEquals(Optional.empty(), keys.get(ollama));
		keys.put(ollama, "sk-ollama-123");
		keys.put(vllm, "sk-vllm-456");

		assertEquals(Optional.of("sk-ollama-123"), ApiKeys.open(storage).get(ollama), "read back through a new handle");
		assertEquals(Optional.of("sk-vllm-456"), ApiKeys.open(storage).get(vllm));
		String file = Files.readString(storage);
		assertFalse(file.contains("sk-ollama-123") || file.contains("sk-vllm-456"), "no key in clear in the storage file");
		Path master = dir.resolve("secure-storage.key");
		assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(master));

		keys.remove(ollama);
		assertEquals(Optional.empty(), ApiKeys.open(storage).get(ollama));
		assertTrue(ApiKeys.open(storage).get(vllm).isPresent());
	}
}
