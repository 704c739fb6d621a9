package dev.atelier.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.atelier.llm.ChatMessage;
import dev.atelier.server.ApiException;
import dev.atelier.server.JsonFields;
import dev.atelier.server.Limits;

/**
 * The LLM endpoints' fields beside the plain ones: conversations, prompts and max_tokens within the server's limits,
 * stop strings.
 */
final class Fields extends JsonFields {

	private static final int MAX_STOPS = 16;

	private final Limits limits;

	Fields(JsonObject json, String path, Limits limits) {
		super(json, path);
		this.limits = limits;
	}

	@Override
	public Fields object(String name) throws ApiException {
		return new Fields(nested(name), path() + name + ".", limits);
	}

	/** Tokens to generate: at least 1 and at most the server's limit (400 naming the limit beyond it). */
	int maxTokens(String name, int otherwise) throws ApiException {
		long n = integer(name, otherwise, Long.MIN_VALUE, Long.MAX_VALUE);
		if (n < 1) {
			throw wrong(name, "at least 1");
		}
		if (n > limits.maxTokens()) {
			throw new ApiException(400, "'" + path() + name + "' is " + n + "; this server generates at most " + limits.maxTokens()
					+ " tokens per answer (--max-tokens)", path() + name);
		}
		return (int) n;
	}

	/** Stop strings: one string or an array of them. */
	List<String> stops(String name) throws ApiException {
		Optional<JsonElement> value = raw(name);
		if (value.isEmpty()) {
			return List.of();
		}
		if (value.get() instanceof JsonPrimitive p && p.isString()) {
			return List.of(p.getAsString());
		}
		if (!value.get().isJsonArray() || value.get().getAsJsonArray().size() > MAX_STOPS) {
			throw wrong(name, "a string or an array of at most " + MAX_STOPS + " strings");
		}
		List<String> stops = new ArrayList<>();
		for (JsonElement e : value.get().getAsJsonArray()) {
			if (!(e instanceof JsonPrimitive p && p.isString())) {
				throw wrong(name, "a string or an array of strings");
			}
			stops.add(p.getAsString());
		}
		return stops;
	}

	/**
	 * A conversation: {@code role} system (or OpenAI's developer), user or assistant; {@code content} a string or
	 * OpenAI's array of text parts.
	 */
	List<ChatMessage> messages(String name, boolean required) throws ApiException {
		Optional<JsonElement> value = raw(name);
		if (value.isEmpty()) {
			if (required) {
				throw new ApiException(400, "'" + path() + name + "' is missing", path() + name);
			}
			return List.of();
		}
		if (!value.get().isJsonArray()) {
			throw wrong(name, "an array of messages");
		}
		JsonArray array = value.get().getAsJsonArray();
		List<ChatMessage> messages = new ArrayList<>();
		for (int i = 0; i < array.size(); i++) {
			String at = name + "[" + i + "]";
			if (!array.get(i).isJsonObject()) {
				throw wrong(at, "an object with 'role' and 'content'");
			}
			Fields message = new Fields(array.get(i).getAsJsonObject(), path() + at + ".", limits);
			String role = message.required("role");
			role = role.equals("developer") ? "system" : role;
			if (!List.of("system", "user", "assistant").contains(role)) {
				throw new ApiException(400, "'" + path() + at + ".role' is '" + role + "': this server takes system, user and assistant messages",
						path() + at + ".role");
			}
			messages.add(new ChatMessage(role, message.content()));
		}
		prompt(messages.stream().mapToLong(m -> m.content().length()).sum(), name);
		return messages;
	}

	private String content() throws ApiException {
		Optional<JsonElement> value = raw("content");
		if (value.isEmpty()) {
			return "";
		}
		if (value.get() instanceof JsonPrimitive p && p.isString()) {
			return p.getAsString();
		}
		if (!value.get().isJsonArray()) {
			throw wrong("content", "a string or an array of text parts");
		}
		StringBuilder text = new StringBuilder();
		for (JsonElement part : value.get().getAsJsonArray()) {
			JsonElement type = part.isJsonObject() ? part.getAsJsonObject().get("type") : null;
			if (type == null || !type.isJsonPrimitive() || !type.getAsString().equals("text")) {
				throw wrong("content", "text: this server takes no images or audio in messages");
			}
			text.append(new Fields(part.getAsJsonObject(), path() + "content.", limits).required("text"));
		}
		return text.toString();
	}

	/** A prompt text (a string, or as OpenAI allows an array of one), within the prompt limit. */
	String prompt(String name, boolean required) throws ApiException {
		Optional<JsonElement> value = raw(name);
		if (value.isPresent() && value.get().isJsonArray()) {
			JsonArray prompts = value.get().getAsJsonArray();
			if (prompts.size() != 1 || !(prompts.get(0) instanceof JsonPrimitive p && p.isString())) {
				throw wrong(name, "a string or an array of one string");
			}
			value = Optional.of(prompts.get(0));
		}
		if (value.isPresent() && !(value.get() instanceof JsonPrimitive p && p.isString())) {
			throw wrong(name, "a string");
		}
		if (value.isEmpty() && required) {
			throw new ApiException(400, "'" + path() + name + "' is missing", path() + name);
		}
		String text = value.map(JsonElement::getAsString).orElse("");
		prompt(text.length(), name);
		return text;
	}

	private void prompt(long chars, String name) throws ApiException {
		if (chars > limits.promptChars()) {
			throw new ApiException(400, "'" + path() + name + "' has " + chars + " characters; this server takes at most " + limits.promptChars()
					+ " (--max-prompt-chars)", path() + name);
		}
	}
}
