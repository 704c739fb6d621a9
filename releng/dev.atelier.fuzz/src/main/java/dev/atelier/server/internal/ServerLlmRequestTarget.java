package dev.atelier.server.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonObject;

import dev.atelier.fuzz.Requests;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.ModelInfo;
import dev.atelier.server.ApiException;
import dev.atelier.server.Limits;
import dev.atelier.server.ServerApi;

/**
 * The request bodies of {@code atelier serve}'s LLM endpoints (OpenAI's chat and completions, Ollama's chat and
 * generate), through the real handlers and the server's body parsing, over a workspace with one model
 * ({@code tiny}). The input's first byte picks the endpoint, the rest is the body.
 */
public final class ServerLlmRequestTarget {

	private static final String[][] ENDPOINTS = { { "openai", "/v1/chat/completions" }, { "openai", "/v1/completions" }, { "ollama", "/api/chat" },
			{ "ollama", "/api/generate" } };
	/** Also the APIs of {@link ServerDispatchTarget}'s server. */
	static final ServerApi OPENAI;
	static final ServerApi OLLAMA;

	static {
		Path workspace = Requests.workspace("llm-workspace", List.of("models/llm/tiny.gguf"));
		LlmService llm = new LlmService() {
			@Override
			public LocalModel model(Path file, String template, String deviceId, int context) {
				throw new Requests.Reached();
			}

			@Override
			public LocalModel model(Path file, Path tokenizer, String template, String deviceId, int context) {
				throw new Requests.Reached();
			}

			@Override
			public LocalModel model(Path file, String template, String deviceId, int context, Duration keepAlive) {
				throw new Requests.Reached();
			}

			@Override
			public LocalModel model(Path file, String template, String deviceId, int context, int sequences, Duration keepAlive) {
				throw new Requests.Reached();
			}

			@Override
			public ModelInfo describe(Path file) {
				throw new Requests.Reached();
			}
		};
		Models models = new Models(llm, null, new ModelFolder(workspace.resolve("models/llm")), new Models.Serving("cpu", 2048, Limits.DEFAULT));
		OPENAI = new OpenAiApi(models);
		OLLAMA = new OllamaApi(models, llm, "0.0.0", host -> true);
	}

	private ServerLlmRequestTarget() {
	}

	/** A body as the server parses it (JettyExchange's parsing, for the other APIs' targets too). */
	public static JsonObject body(byte[] body) throws ApiException {
		return JettyExchange.body(body);
	}

	public static void fuzzerInitialize() {
		Requests.warmUp(ServerLlmRequestTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		if (data.length == 0) {
			return;
		}
		String[] endpoint = ENDPOINTS[(data[0] & 0xff) % ENDPOINTS.length];
		Requests.post(endpoint[0].equals("openai") ? OPENAI : OLLAMA, endpoint[1], Arrays.copyOfRange(data, 1, data.length), ServerLlmRequestTarget::body);
	}
}
