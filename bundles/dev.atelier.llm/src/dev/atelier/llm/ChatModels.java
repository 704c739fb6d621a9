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

	/**
	 * How long a server may take: to accept the connection, between two events of an answer (keep-alive comments do
	 * not count), for a whole answer. Each is longer than zero.
	 */
	public record Timeouts(Duration connect, Duration idle, Duration total) {

		public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofMinutes(30));

		public Timeouts {
			for (Duration d : new Duration[] { connect, idle, total }) {
				if (d == null || d.isNegative() || d.isZero()) {
					throw new IllegalArgumentException("a timeout must be longer than 0, not " + d);
				}
			}
		}
	}

	/** A model on an OpenAI-compatible server; {@code apiKey} may be empty. */
	public static ChatModel server(URI baseUrl, String model, String apiKey) {
		return server(baseUrl, model, apiKey, Timeouts.DEFAULT);
	}

	public static ChatModel server(URI baseUrl, String model, String apiKey, Timeouts timeouts) {
		return backend(baseUrl, model, apiKey, timeouts);
	}

	/** The model ids an OpenAI-compatible server offers. */
	public static List<String> serverModels(URI baseUrl, String apiKey) throws ChatException {
		return serverModels(baseUrl, apiKey, Timeouts.DEFAULT);
	}

	public static List<String> serverModels(URI baseUrl, String apiKey, Timeouts timeouts) throws ChatException {
		return backend(baseUrl, "", apiKey, timeouts).models();
	}

	private static OpenAiBackend backend(URI baseUrl, String model, String apiKey, Timeouts timeouts) {
		return new OpenAiBackend(new OpenAiBackend.Settings(baseUrl, model, apiKey, timeouts.connect(), timeouts.idle(), timeouts.total(), 2));
	}
}
