package dev.atelier.llm;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import dev.atelier.llm.internal.engine.EmbeddedChat;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.openai.OpenAiBackend;

/**
 * Opens chat models directly: a GGUF file on the embedded engine (for the command line; the Assistant's local models
 * come from {@link LlmService}, leased and evictable), or an OpenAI-compatible server.
 */
public final class ChatModels {

	/** The chat formats that can be chosen by name. */
	public static final String[] TEMPLATES = { "llama-2", "llama-3", "chatml", "phi-3", "gemma" };

	private ChatModels() {
	}

	/**
	 * A GGUF model on the embedded engine. {@code template} null runs the model's own Jinja
	 * {@code tokenizer.chat_template} (sandboxed), with the known format it resembles behind it, or ChatML where the
	 * model has none; a name forces a known format. {@code notes} hears which format was chosen and, later, why a
	 * template failed. Throws {@link ChatException} when the file has no tokenizer or the name is unknown.
	 */
	public static ChatModel embedded(Path file, String template, int threads, int context, Consumer<String> notes)
			throws IOException, ChatException {
		EmbeddedModel model = EmbeddedModel.open(file, threads, context);
		try {
			return EmbeddedChat.of(model, file, template, notes);
		} catch (ChatException | RuntimeException e) {
			model.close();
			throw e;
		}
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
		return new OpenAiBackend(new OpenAiBackend.Settings(baseUrl, model, apiKey, Duration.ofSeconds(5), Duration.ofSeconds(120), 2));
	}
}
