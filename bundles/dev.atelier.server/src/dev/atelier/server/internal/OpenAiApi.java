package dev.atelier.server.internal;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.server.ApiException;
import dev.atelier.server.Exchange;
import dev.atelier.server.ServerApi;

/**
 * OpenAI's API, as llama.cpp's server and Ollama serve it: {@code GET /v1/models}, {@code POST /v1/chat/completions}
 * and {@code /v1/completions}, streamed as server-sent events or whole, errors in OpenAI's error object. Models stay
 * loaded for the server's default keep-alive after each answer.
 */
record OpenAiApi(Models models) implements ServerApi {

	@Override
	public String prefix() {
		return "/v1/";
	}

	@Override
	public void handle(Exchange exchange) throws ApiException, IOException {
		String path = exchange.path();
		switch (exchange.method() + " " + path) {
			case "GET /v1/models" -> exchange.send(200, modelList());
			case "POST /v1/chat/completions" -> complete(exchange, true);
			case "POST /v1/completions" -> complete(exchange, false);
			default -> {
				if (exchange.method().equals("GET") && path.startsWith("/v1/models/")) {
					exchange.send(200, model(models.folder().find(path.substring("/v1/models/".length()), "model")));
				} else {
					throw new ApiException(404, "no endpoint " + exchange.method() + " " + path);
				}
			}
		}
	}

	@Override
	public JsonObject error(ApiException problem) {
		return ServerApi.openAiError(problem);
	}

	private JsonObject modelList() throws ApiException {
		JsonArray data = new JsonArray();
		for (ModelFolder.Entry entry : models.folder().entries()) {
			data.add(model(entry));
		}
		JsonObject list = new JsonObject();
		list.addProperty("object", "list");
		list.add("data", data);
		return list;
	}

	private static JsonObject model(ModelFolder.Entry entry) {
		JsonObject model = new JsonObject();
		model.addProperty("id", entry.name());
		model.addProperty("object", "model");
		model.addProperty("created", entry.modified().toInstant().getEpochSecond());
		model.addProperty("owned_by", "atelier");
		return model;
	}

	/** A chat ({@code chat} true) or a text completion. */
	private void complete(Exchange exchange, boolean chat) throws ApiException, IOException {
		Fields request = new Fields(exchange.json(), "", models.limits());
		ModelFolder.Entry entry = models.folder().find(request.required("model"), "model");
		List<ChatMessage> messages = chat ? request.messages("messages", true) : null;
		String prompt = chat ? null : request.prompt("prompt", true);
		request.integer("n", 1, 1, 1); // one choice per request
		int maxTokens = request.has("max_completion_tokens") ? request.maxTokens("max_completion_tokens", 0)
				: request.maxTokens("max_tokens", chat ? models.defaultMaxTokens() : 16);
		Sampling sampling = new Sampling(request.number("temperature", 1, 0, 2), 0, request.number("top_p", 1, Double.MIN_VALUE, 1), 0, 1,
				request.integer("seed", ThreadLocalRandom.current().nextLong(), Long.MIN_VALUE, Long.MAX_VALUE));
		Generation generation = new Generation(entry, messages, prompt, sampling, maxTokens, request.stops("stop"), Models.DEFAULT_KEEP_ALIVE);
		String id = (chat ? "chatcmpl-" : "cmpl-") + UUID.randomUUID();
		long created = System.currentTimeMillis() / 1000;
		if (request.bool("stream", false)) {
			boolean includeUsage = request.object("stream_options").bool("include_usage", false);
			stream(exchange, generation, chat, new Header(id, created, entry.name()), includeUsage);
			return;
		}
		StringBuilder text = new StringBuilder();
		Generation.Result result = generation.run(models, exchange, text::append);
		JsonObject choice = new JsonObject();
		choice.addProperty("index", 0);
		if (chat) {
			choice.add("message", message(text.toString()));
		} else {
			choice.addProperty("text", text.toString());
		}
		choice.add("logprobs", JsonNull.INSTANCE);
		choice.addProperty("finish_reason", result.finishReason());
		JsonObject body = new Header(id, created, entry.name()).object(chat ? "chat.completion" : "text_completion");
		body.add("choices", array(choice));
		body.add("usage", usage(result.answer().usage()));
		exchange.send(200, body);
	}

	/** What every object of one answer carries. */
	private record Header(String id, long created, String model) {
		JsonObject object(String kind) {
			JsonObject o = new JsonObject();
			o.addProperty("id", id);
			o.addProperty("object", kind);
			o.addProperty("created", created);
			o.addProperty("model", model);
			o.addProperty("system_fingerprint", "atelier");
			return o;
		}
	}

	/**
	 * Server-sent events: for a chat, a first chunk with the assistant's role, one chunk per piece of text, a last one
	 * with the finish reason, the usage where asked, then {@code [DONE]}.
	 */
	private void stream(Exchange exchange, Generation generation, boolean chat, Header header, boolean includeUsage) throws ApiException, IOException {
		Exchange.Stream events = exchange.stream("text/event-stream");
		String kind = chat ? "chat.completion.chunk" : "text_completion";
		Consumer<JsonObject> send = chunk -> {
			try {
				events.write("data: " + chunk + "\n\n");
			} catch (IOException e) {
				// the client went away: the exchange is cancelled now, and the answer stops
			}
		};
		if (chat) {
			JsonObject role = new JsonObject();
			role.addProperty("role", "assistant");
			role.addProperty("content", "");
			send.accept(chunk(header.object(kind), chat, role, null));
		}
		Generation.Result result;
		try {
			result = generation.run(models, exchange, piece -> {
				JsonObject delta = new JsonObject();
				delta.addProperty("content", piece);
				send.accept(chunk(header.object(kind), chat, delta, null));
			});
		} catch (ApiException e) {
			// the stream has begun: the error is its last event, as llama.cpp's server sends it
			send.accept(error(e));
			return;
		}
		send.accept(chunk(header.object(kind), chat, new JsonObject(), result.finishReason()));
		if (includeUsage) {
			JsonObject last = header.object(kind);
			last.add("choices", new JsonArray());
			last.add("usage", usage(result.answer().usage()));
			send.accept(last);
		}
		events.write("data: [DONE]\n\n");
	}

	private static JsonObject chunk(JsonObject chunk, boolean chat, JsonObject delta, String finishReason) {
		JsonObject choice = new JsonObject();
		choice.addProperty("index", 0);
		if (chat) {
			choice.add("delta", delta);
		} else {
			choice.addProperty("text", delta.has("content") ? delta.get("content").getAsString() : "");
		}
		choice.add("logprobs", JsonNull.INSTANCE);
		choice.add("finish_reason", finishReason == null ? JsonNull.INSTANCE : new JsonPrimitive(finishReason));
		chunk.add("choices", array(choice));
		return chunk;
	}

	private static JsonObject message(String content) {
		JsonObject message = new JsonObject();
		message.addProperty("role", "assistant");
		message.addProperty("content", content);
		return message;
	}

	private static JsonArray array(JsonElement element) {
		JsonArray array = new JsonArray();
		array.add(element);
		return array;
	}

	private static JsonObject usage(Usage usage) {
		JsonObject o = new JsonObject();
		o.addProperty("prompt_tokens", usage.promptTokens());
		o.addProperty("completion_tokens", usage.generatedTokens());
		o.addProperty("total_tokens", usage.promptTokens() + usage.generatedTokens());
		return o;
	}
}
