package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.llm.ApiKeys;
import dev.atelier.testing.MemorySecretStore;

/** Server keys, one per base URL, where earlier sessions stored them in the workspace's secure storage. */
class ApiKeysTest {

	@Test
	void keysArePerServerUnderTheNodesEarlierVersionsUsed() throws Exception {
		MemorySecretStore secrets = new MemorySecretStore();
		ApiKeys keys = new ApiKeys(secrets);
		URI ollama = URI.create("http://localhost:11434/v1");
		URI vllm = URI.create("https://gpu.example:8000/v1");
		assertEquals(Optional.empty(), keys.get(ollama));
		keys.put(ollama, "sk-ollama-123");
		keys.put(vllm, "sk-vllm-456");
		assertEquals(Optional.of("sk-ollama-123"), keys.get(ollama));
		assertEquals(Optional.of("sk-vllm-456"), keys.get(vllm));
		// the URL, base64url without padding, under dev.atelier.llm/servers: the secure-storage format stays
		assertEquals(Map.of("dev.atelier.llm/servers/aHR0cDovL2xvY2FsaG9zdDoxMTQzNC92MQ#apiKey", "sk-ollama-123",
				"dev.atelier.llm/servers/aHR0cHM6Ly9ncHUuZXhhbXBsZTo4MDAwL3Yx#apiKey", "sk-vllm-456"), secrets.entries());

		assertTrue(keys.remove(ollama));
		assertFalse(keys.remove(ollama), "nothing left to remove");
		assertEquals(Optional.empty(), keys.get(ollama));
		assertEquals(Optional.of("sk-vllm-456"), keys.get(vllm));
	}
}
