package dev.atelier.llm.internal.openai;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.cli.Durations;
import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.ChatModel;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;

/**
 * A server that speaks OpenAI's chat API (Ollama, llama.cpp's server, LM Studio, vLLM): {@code GET /v1/models} and
 * {@code POST /v1/chat/completions} with server-sent events. Failures before the first token (connection refused,
 * 5xx) are retried twice with a pause; a stream that stalls longer than the read timeout (keep-alive comments do not
 * count as progress), runs past the answer timeout or past {@code max_tokens} pieces, drops, or sends something that is
 * not the API's JSON ends with a {@link ChatException} saying so. The API key is sent as a bearer token and never
 * appears in messages or logs; the body of a refused authentication is not shown (servers may echo the key).
 */
public final class OpenAiBackend implements ChatModel {

	/**
	 * Base URL (e.g. {@code http://localhost:11434/v1}), model name, API key (may be empty), timeouts (the read timeout
	 * between events, the answer timeout for a whole answer), retries.
	 */
	public record Settings(URI baseUrl, String model, String apiKey, Duration connectTimeout, Duration readTimeout, Duration answerTimeout,
			int retries) {

		public Settings {
			if (baseUrl == null || baseUrl.getScheme() == null || !baseUrl.getScheme().matches("https?")) {
				throw new IllegalArgumentException("the server's base URL must be http:// or https://, not '" + baseUrl + "'");
			}
			apiKey = apiKey == null ? "" : apiKey;
		}

		public static Settings of(URI baseUrl, String model) {
			return new Settings(baseUrl, model, "", Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(10), 2);
		}

		@Override
		public String toString() { // never the key
			return "Settings[" + baseUrl + ", " + model + (apiKey.isEmpty() ? "" : ", key set") + "]";
		}
	}

	private static final Gson GSON = new Gson();
	private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
		Thread t = new Thread(r, "atelier-openai-watchdog");
		t.setDaemon(true);
		return t;
	});

	private final Settings settings;
	private final HttpClient http;
	private final long retryPauseMillis;

	public OpenAiBackend(Settings settings) {
		this(settings, 500);
	}

	OpenAiBackend(Settings settings, long retryPauseMillis) {
		this.settings = settings;
		this.retryPauseMillis = retryPauseMillis;
		this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout()).version(HttpClient.Version.HTTP_1_1).build();
	}

	@Override
	public String name() {
		return settings.model() + " @ " + settings.baseUrl();
	}

	private URI endpoint(String path) {
		String base = settings.baseUrl().toString();
		return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder b = HttpRequest.newBuilder(endpoint(path)).timeout(settings.readTimeout());
		if (!settings.apiKey().isEmpty()) {
			b.header("Authorization", "Bearer " + settings.apiKey());
		}
		return b;
	}

	/** The model ids the server offers. */
	public List<String> models() throws ChatException {
		HttpResponse<String> response = send(() -> http.send(request("/models").GET().build(), HttpResponse.BodyHandlers.ofString()), "/models");
		if (response.statusCode() != 200) {
			throw new ChatException(failure("/models", response.statusCode(), response.body()));
		}
		try {
			List<String> ids = new ArrayList<>();
			for (JsonElement e : JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonArray("data")) {
				ids.add(e.getAsJsonObject().get("id").getAsString());
			}
			return ids;
		} catch (RuntimeException e) {
			throw new ChatException(endpoint("/models") + " answered something that is not a model list: " + snippet(response.body()));
		}
	}

	@Override
	public Usage chat(List<ChatMessage> messages, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled)
			throws ChatException {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("model", settings.model());
		body.put("messages", messages);
		body.put("stream", true);
		body.put("stream_options", Map.of("include_usage", true));
		body.put("max_tokens", maxTokens);
		body.put("temperature", sampling.temperature());
		if (sampling.topP() < 1) {
			body.put("top_p", sampling.topP());
		}
		if (sampling.temperature() > 0) {
			body.put("seed", sampling.seed());
		}
		HttpRequest request = request("/chat/completions").header("Content-Type", "application/json").header("Accept", "text/event-stream")
				.POST(HttpRequest.BodyPublishers.ofString(GSON.toJson(body))).build();
		long start = System.nanoTime();
		HttpResponse<InputStream> response = send(() -> http.send(request, HttpResponse.BodyHandlers.ofInputStream()), "/chat/completions");
		if (response.statusCode() != 200) {
			String text;
			try (InputStream in = response.body()) {
				text = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
			} catch (IOException e) {
				text = "";
			}
			throw new ChatException(failure("/chat/completions", response.statusCode(), text));
		}
		return stream(response.body(), maxTokens, tokens, cancelled, start);
	}

	/**
	 * Reads the event stream; a watchdog closes it when no event arrives for the read timeout or the whole answer
	 * takes longer than the answer timeout.
	 */
	private Usage stream(InputStream body, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled, long start) throws ChatException {
		AtomicLong lastEvent = new AtomicLong(System.nanoTime());
		AtomicBoolean stalled = new AtomicBoolean();
		AtomicBoolean overran = new AtomicBoolean();
		long timeout = settings.readTimeout().toNanos();
		long answerTimeout = settings.answerTimeout().toNanos();
		ScheduledFuture<?> watchdog = WATCHDOG.scheduleAtFixedRate(() -> {
			long now = System.nanoTime();
			boolean stop = now - start > answerTimeout ? !stalled.get() && overran.compareAndSet(false, true)
					: now - lastEvent.get() > timeout && !overran.get() && stalled.compareAndSet(false, true);
			if (stop) {
				try {
					body.close();
				} catch (IOException e) {
					// the reader sees the stream end either way
				}
			}
		}, 100, 100, TimeUnit.MILLISECONDS);
		int pieces = 0;
		long first = 0;
		Optional<int[]> reported = Optional.empty();
		boolean done = false;
		SseEvents events = new SseEvents();
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
			String line;
			while (!done && !cancelled.getAsBoolean() && (line = events.readLine(reader)) != null) {
				Optional<String> data = events.line(line);
				if (data.isEmpty()) {
					continue; // keep-alive comments (": ping") are not progress: a server sending only them times out
				}
				lastEvent.set(System.nanoTime());
				if (data.get().strip().equals("[DONE]")) {
					done = true;
					continue;
				}
				JsonObject chunk;
				try {
					chunk = JsonParser.parseString(data.get()).getAsJsonObject();
				} catch (RuntimeException e) {
					throw new ChatException(endpoint("/chat/completions") + " sent an event that is not JSON: " + redacted(snippet(data.get())));
				}
				if (chunk.has("error")) {
					throw new ChatException(endpoint("/chat/completions") + " reported an error mid-answer: " + redacted(errorMessage(chunk)));
				}
				if (chunk.has("usage") && chunk.get("usage").isJsonObject()) {
					JsonObject u = chunk.getAsJsonObject("usage");
					reported = Optional.of(new int[] { u.has("prompt_tokens") ? u.get("prompt_tokens").getAsInt() : 0,
							u.has("completion_tokens") ? u.get("completion_tokens").getAsInt() : 0 });
				}
				String text = deltaText(chunk);
				if (text != null && !text.isEmpty()) {
					if (pieces >= maxTokens) {
						// each piece holds at least one token: a server sending more ignores max_tokens
						throw new ChatException(endpoint("/chat/completions") + " kept answering past max_tokens (" + maxTokens
								+ "); the answer was cut there");
					}
					if (first == 0) {
						first = System.nanoTime();
					}
					pieces++;
					tokens.accept(text);
				}
			}
			if (!done && !stalled.get() && !overran.get() && events.line("").map(d -> d.strip().equals("[DONE]")).orElse(false)) {
				done = true; // a last event without its blank line
			}
		} catch (SseEvents.TooLong e) {
			throw new ChatException(endpoint("/chat/completions") + " sent " + e.getMessage() + ": not a chat answer; it was cut after " + pieces + " pieces");
		} catch (IOException e) {
			if (!stalled.get() && !overran.get()) {
				throw new ChatException("the connection to " + settings.baseUrl() + " dropped after " + pieces + " pieces of the answer: " + e.getMessage(), e);
			}
		} finally {
			watchdog.cancel(false);
		}
		if (stalled.get()) {
			throw new ChatException(settings.baseUrl() + " sent no event for " + Durations.format(settings.readTimeout()) + "; the answer was cut after " + pieces
					+ " pieces");
		}
		if (overran.get()) {
			throw new ChatException(settings.baseUrl() + " was still answering after " + Durations.format(settings.answerTimeout())
					+ "; the answer was cut after " + pieces + " pieces");
		}
		if (!done && !cancelled.getAsBoolean()) {
			throw new ChatException("the connection to " + settings.baseUrl() + " closed before the answer ended (no [DONE]) after " + pieces + " pieces");
		}
		long end = System.nanoTime();
		int generated = reported.map(u -> u[1]).orElse(pieces);
		double ttft = first == 0 ? Double.NaN : (first - start) / 1e6;
		double rate = generated > 1 && first != 0 && end > first ? (generated - 1) / ((end - first) / 1e9) : Double.NaN;
		return new Usage(reported.map(u -> u[0]).orElse(0), generated, ttft, rate);
	}

	private static String deltaText(JsonObject chunk) {
		if (!chunk.has("choices") || !chunk.get("choices").isJsonArray() || chunk.getAsJsonArray("choices").isEmpty()) {
			return null;
		}
		JsonObject choice = chunk.getAsJsonArray("choices").get(0).getAsJsonObject();
		JsonObject delta = choice.has("delta") && choice.get("delta").isJsonObject() ? choice.getAsJsonObject("delta") : null;
		JsonElement content = delta == null ? null : delta.get("content");
		return content == null || content.isJsonNull() ? null : content.getAsString();
	}

	private interface Call<T> {
		T run() throws IOException, InterruptedException;
	}

	/** Sends, retrying a refused connection or a 5xx answer before anything was streamed. */
	private <T> HttpResponse<T> send(Call<HttpResponse<T>> call, String path) throws ChatException {
		for (int attempt = 0;; attempt++) {
			try {
				HttpResponse<T> response = call.run();
				if (response.statusCode() >= 500 && attempt < settings.retries()) {
					if (response.body() instanceof InputStream in) {
						in.close();
					}
					pause(attempt);
					continue;
				}
				return response;
			} catch (HttpConnectTimeoutException e) { // before HttpTimeoutException, its superclass
				throw new ChatException("cannot connect to " + settings.baseUrl() + ": no connection within " + Durations.format(settings.connectTimeout()));
			} catch (HttpTimeoutException e) {
				throw new ChatException(endpoint(path) + " did not answer within " + Durations.format(settings.readTimeout()));
			} catch (ConnectException e) {
				if (attempt >= settings.retries()) {
					// the JDK's client says nothing of a refused connection (a null message)
					throw new ChatException("cannot connect to " + settings.baseUrl() + ": the connection was refused (is the server running?)", e);
				}
				pause(attempt);
			} catch (IOException e) {
				if (attempt >= settings.retries()) {
					throw new ChatException("cannot talk to " + settings.baseUrl() + ": " + e.getMessage(), e);
				}
				pause(attempt);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new ChatException("interrupted while waiting for " + settings.baseUrl());
			}
		}
	}

	private void pause(int attempt) throws ChatException {
		try {
			Thread.sleep(retryPauseMillis * (attempt + 1));
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new ChatException("interrupted while waiting for " + settings.baseUrl());
		}
	}

	private String failure(String path, int status, String body) {
		if (status == 401 || status == 403) {
			// the body may echo the key or the request's headers: never shown
			return endpoint(path) + " answered HTTP " + status + ": the server refused the API key"
					+ (settings.apiKey().isEmpty() ? " (none was sent: store one with atelier llm key --url " + settings.baseUrl() + ")" : "");
		}
		String message;
		try {
			message = errorMessage(JsonParser.parseString(body).getAsJsonObject());
		} catch (RuntimeException e) {
			message = snippet(body);
		}
		return endpoint(path) + " answered HTTP " + status + ": " + redacted(message);
	}

	/** The server's words with the key taken out, should it echo it. */
	private String redacted(String text) {
		return settings.apiKey().isEmpty() ? text : text.replace(settings.apiKey(), "[the API key]");
	}

	private static String errorMessage(JsonObject root) {
		JsonElement error = root.get("error");
		if (error != null && error.isJsonObject() && error.getAsJsonObject().has("message")) {
			return error.getAsJsonObject().get("message").getAsString();
		}
		return error != null && error.isJsonPrimitive() ? error.getAsString() : snippet(root.toString());
	}

	private static String snippet(String text) {
		String t = text.strip().replaceAll("\\s+", " ");
		return t.length() > 200 ? t.substring(0, 200) + "…" : t;
	}
}
