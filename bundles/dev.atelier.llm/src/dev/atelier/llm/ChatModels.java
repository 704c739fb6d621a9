package dev.atelier.llm;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import dev.atelier.llm.internal.openai.OpenAiBackend;

/**
 * Opens chat models on an OpenAI-compatible server, and names the chat formats a local model may be forced to (a GGUF
 * file on the embedded engine comes from {@link LlmService}, leased and evictable).
 */
public final class ChatModels {

	/** The chat formats that can be chosen by name. */
	public static final String[] TEMPLATES = { "llama-2", "llama-3", "chatml", "phi-3", "gemma" };

	private ChatModels() {
	}

	/** A model on an OpenAI-compatible server; {@code apiKey} may be empty. */
	public static ChatModel server(URI baseUrl, String model, String apiKey) {
		return backend(baseUrl, model, apiKey);
	}

	/** The model ids an OpenAI-compatible server offers. */
	public static List<String> serverModels(URI baseUrl, String apiKey) throws ChatException {
		return backend(baseUrl, "", apiKey).models();
	}

	private static OpenAiBackend backend(URI baseUrl, String model, String apiKey) {
		return new OpenAiBackend(new OpenAiBackend.Settings(baseUrl, model, apiKey, Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofMinutes(30), 2));
	}
}
