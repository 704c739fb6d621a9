package dev.atelier.server.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.ModelInfo;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.server.ApiException;
import dev.atelier.server.Exchange;
import dev.atelier.server.ServerApi;

/**
 * Ollama's API ({@code docs/api.md}): {@code GET /api/version}, {@code /api/tags}, {@code /api/ps}; {@code POST
 * /api/chat}, {@code /api/generate} (streamed as NDJSON unless {@code "stream": false}) and {@code /api/show}; a
 * request's {@code keep_alive} says how long its model stays loaded, and one without messages or prompt only loads it
 * (or, with {@code keep_alive} 0, unloads it). {@code onHost} tells whether a model's devices (as its status names
 * them) hold it in host memory, not VRAM.
 */
record OllamaApi(Models models, LlmService llm, String version, Predicate<String> onHost) implements ServerApi {

	/** Ollama's sampling defaults. */
	private static final double TEMPERATURE = 0.8;
	private static final int TOP_K = 40;
	private static final double TOP_P = 0.9;
	private static final double REPEAT_PENALTY = 1.1;
	/** A model kept until its memory is needed expires, as Ollama shows it, far in the future. */
	private static final Instant NEVER = Instant.parse("9999-12-31T23:59:59Z");

	@Override
	public String prefix() {
		return "/api/";
	}

	@Override
	public void handle(Exchange exchange) throws ApiException, IOException {
		switch (exchange.method() + " " + exchange.path()) {
			case "GET /api/version" -> {
				JsonObject body = new JsonObject();
				body.addProperty("version", version);
				exchange.send(200, body);
			}
			case "GET /api/tags" -> exchange.send(200, tags());
			case "GET /api/ps" -> exchange.send(200, running());
			case "POST /api/show" -> exchange.send(200, show(new Fields(exchange.json(), "", models.limits())));
			case "POST /api/chat" -> answer(exchange, true);
			case "POST /api/generate" -> answer(exchange, false);
			default -> throw new ApiException(404, "no endpoint " + exchange.method() + " " + exchange.path());
		}
	}

	private ModelInfo describe(ModelFolder.Entry entry) throws ApiException {
		try {
			return llm.describe(entry.file());
		} catch (IOException | RuntimeException e) {
			throw new ApiException(500, "cannot read " + entry.file() + ": " + e.getMessage());
		}
	}

	/** What /api/tags and /api/ps say of every model. */
	private JsonObject summary(ModelFolder.Entry entry) throws ApiException {
		ModelInfo info = describe(entry);
		JsonObject model = new JsonObject();
		model.addProperty("name", entry.name() + ModelFolder.TAG);
		model.addProperty("model", entry.name() + ModelFolder.TAG);
		model.addProperty("modified_at", time(entry.modified().toInstant()));
		model.addProperty("size", entry.bytes());
		model.addProperty("digest", digest(entry));
		model.add("details", details(info));
		return model;
	}

	/** Identifies the file's version (its name, size and time), not a hash of its content: hashing gigabytes per list is too slow. */
	private static String digest(ModelFolder.Entry entry) {
		try {
			byte[] id = (entry.name() + "\n" + entry.bytes() + "\n" + entry.modified().toMillis()).getBytes(StandardCharsets.UTF_8);
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("no SHA-256 in this Java", e);
		}
	}

	private static JsonObject details(ModelInfo info) {
		JsonObject details = new JsonObject();
		details.addProperty("parent_model", "");
		details.addProperty("format", "gguf");
		details.addProperty("family", info.architecture());
		JsonArray families = new JsonArray();
		families.add(info.architecture());
		details.add("families", families);
		details.addProperty("parameter_size", parameterSize(info.parameters()));
		details.addProperty("quantization_level", info.quantization());
		return details;
	}

	/** As Ollama writes it: {@code 8.0B}, {@code 494.03M}. */
	static String parameterSize(long parameters) {
		if (parameters >= 1_000_000_000) {
			return String.format(Locale.ROOT, "%.1fB", parameters / 1e9);
		}
		if (parameters >= 1_000_000) {
			return String.format(Locale.ROOT, "%.2fM", parameters / 1e6);
		}
		return String.format(Locale.ROOT, "%.2fK", parameters / 1e3);
	}

	private JsonObject tags() throws ApiException {
		JsonArray list = new JsonArray();
		for (ModelFolder.Entry entry : models.folder().entries()) {
			list.add(summary(entry));
		}
		JsonObject body = new JsonObject();
		body.add("models", list);
		return body;
	}

	private JsonObject running() throws ApiException {
		JsonArray list = new JsonArray();
		for (Models.Open open : models.loaded()) {
			LocalModel.Status status = open.model.status();
			JsonObject model = summary(open.entry);
			model.addProperty("size", status.bytes());
			model.addProperty("expires_at", time(open.expiresAt().orElse(NEVER)));
			model.addProperty("size_vram", onHost.test(status.deviceId()) ? 0 : status.bytes());
			list.add(model);
		}
		JsonObject body = new JsonObject();
		body.add("models", list);
		return body;
	}

	private JsonObject show(Fields request) throws ApiException {
		String name = request.string("model").isPresent() ? request.required("model") : request.required("name");
		ModelFolder.Entry entry = models.folder().find(name, request.has("model") ? "model" : "name");
		ModelInfo info = describe(entry);
		JsonObject body = new JsonObject();
		body.addProperty("license", "");
		body.addProperty("modelfile", "# chat format: " + info.chatFormat() + "\nFROM " + entry.file().getFileName() + "\n");
		body.addProperty("parameters", "");
		body.addProperty("template", info.chatTemplate().orElse(""));
		body.add("details", details(info));
		JsonObject modelInfo = new JsonObject();
		modelInfo.addProperty("general.architecture", info.architecture());
		modelInfo.addProperty("general.parameter_count", info.parameters());
		modelInfo.addProperty(info.architecture() + ".context_length", info.contextLength());
		body.add("model_info", modelInfo);
		JsonArray capabilities = new JsonArray();
		capabilities.add("completion");
		body.add("capabilities", capabilities);
		body.addProperty("modified_at", time(entry.modified().toInstant()));
		return body;
	}

	/** /api/chat ({@code chat}) or /api/generate. */
	private void answer(Exchange exchange, boolean chat) throws ApiException, IOException {
		Fields request = new Fields(exchange.json(), "", models.limits());
		ModelFolder.Entry entry = models.folder().find(request.required("model"), "model");
		for (String unsupported : chat ? List.of("tools", "format") : List.of("images", "suffix", "format", "template", "context")) {
			if (request.has(unsupported) && !request.raw(unsupported).get().toString().matches("\"\"|\\[]")) {
				throw new ApiException(400, "'" + unsupported + "' is not supported by this server yet", unsupported);
			}
		}
		Duration keepAlive = request.has("keep_alive") ? KeepAlive.parse(request.raw("keep_alive").get(), "keep_alive") : Models.DEFAULT_KEEP_ALIVE;
		List<ChatMessage> messages = null;
		String prompt = null;
		if (chat) {
			messages = request.messages("messages", false);
		} else if (request.bool("raw", false)) {
			prompt = request.prompt("prompt", false);
		} else {
			String text = request.prompt("prompt", false);
			messages = new ArrayList<>();
			String system = request.prompt("system", false);
			if (!system.isEmpty()) {
				messages.add(new ChatMessage("system", system));
			}
			if (!text.isEmpty()) {
				messages.add(ChatMessage.user(text));
			}
		}
		boolean nothing = prompt == null ? messages.stream().noneMatch(m -> m.role().equals("user")) : prompt.isEmpty();
		Fields options = request.object("options");
		int maxTokens = options.maxTokens("num_predict", models.defaultMaxTokens());
		Sampling sampling = new Sampling(options.number("temperature", TEMPERATURE, 0, 100), (int) options.integer("top_k", TOP_K, 0, Integer.MAX_VALUE),
				options.number("top_p", TOP_P, Double.MIN_VALUE, 1), options.number("min_p", 0, 0, 0.999),
				options.number("repeat_penalty", REPEAT_PENALTY, Double.MIN_VALUE, 100),
				options.integer("seed", ThreadLocalRandom.current().nextLong(), Long.MIN_VALUE, Long.MAX_VALUE));
		List<String> stops = options.stops("stop");
		boolean stream = request.bool("stream", true);
		String created = time(Instant.now());
		if (nothing) {
			// Ollama's load (or, with keep_alive 0, unload) request: no answer, only the model's state changes
			String reason = keepAlive != null && keepAlive.isZero() ? "unload" : "load";
			Models.Answer answer = models.run(entry, reason, keepAlive, null, exchange::cancelled);
			JsonObject done = done(entry, created, chat, "", reason, answer);
			exchange.send(200, done);
			return;
		}
		Generation generation = new Generation(entry, messages, prompt, sampling, maxTokens, stops, keepAlive);
		if (!stream) {
			StringBuilder text = new StringBuilder();
			Generation.Result result = generation.run(models, exchange, text::append);
			exchange.send(200, done(entry, created, chat, text.toString(), result.finishReason(), result.answer()));
			return;
		}
		Exchange.Stream lines = exchange.stream("application/x-ndjson");
		try {
			Generation.Result result = generation.run(models, exchange, piece -> {
				JsonObject line = line(entry, created, chat, piece);
				line.addProperty("done", false);
				try {
					lines.write(line + "\n");
				} catch (IOException e) {
					// the client went away: the exchange is cancelled now, and the answer stops
				}
			});
			lines.write(done(entry, created, chat, "", result.finishReason(), result.answer()) + "\n");
		} catch (ApiException e) {
			// the stream has begun: the error is its last line, as Ollama sends it
			lines.write(error(e) + "\n");
		}
	}

	private static JsonObject line(ModelFolder.Entry entry, String created, boolean chat, String text) {
		JsonObject line = new JsonObject();
		line.addProperty("model", entry.name() + ModelFolder.TAG);
		line.addProperty("created_at", created);
		if (chat) {
			JsonObject message = new JsonObject();
			message.addProperty("role", "assistant");
			message.addProperty("content", text);
			line.add("message", message);
		} else {
			line.addProperty("response", text);
		}
		return line;
	}

	/** The last object of an answer: the reason it ended and Ollama's counts and durations (nanoseconds). */
	private static JsonObject done(ModelFolder.Entry entry, String created, boolean chat, String text, String reason, Models.Answer answer) {
		JsonObject done = line(entry, created, chat, text);
		done.addProperty("done", true);
		done.addProperty("done_reason", reason);
		Usage usage = answer.usage();
		done.addProperty("total_duration", answer.totalNanos());
		done.addProperty("load_duration", answer.loadNanos());
		if (usage.promptTokens() > 0) {
			done.addProperty("prompt_eval_count", usage.promptTokens());
			done.addProperty("prompt_eval_duration", nanos(usage.timeToFirstTokenMillis() * 1e6));
			done.addProperty("eval_count", usage.generatedTokens());
			done.addProperty("eval_duration", nanos(usage.generatedTokens() > 1 ? (usage.generatedTokens() - 1) / usage.decodeTokensPerSecond() * 1e9 : 0));
		}
		return done;
	}

	private static long nanos(double value) {
		return Double.isFinite(value) ? Math.round(value) : 0;
	}

	private static String time(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneId.systemDefault()).toString();
	}
}
