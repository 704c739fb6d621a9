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

/**
 * Reads a request's JSON fields, each wrong type or value refused with 400 naming the field, and applies the prompt
 * and max_tokens limits. {@code path} prefixes the field names in messages ({@code options.} for Ollama's).
 */
record Fields(JsonObject json, String path, Limits limits) {

	private static final int MAX_STOPS = 16;

	/** The fields of an object inside this one ({@code options}), or of an empty one where it is absent. */
	Fields object(String name) throws ApiException {
		JsonElement value = present(name).orElse(null);
		if (value == null) {
			return new Fields(new JsonObject(), path + name + ".", limits);
		}
		if (!value.isJsonObject()) {
			throw wrong(name, "an object");
		}
		return new Fields(value.getAsJsonObject(), path + name + ".", limits);
	}

	private Optional<JsonElement> present(String name) {
		JsonElement value = json.get(name);
		return value == null || value.isJsonNull() ? Optional.empty() : Optional.of(value);
	}

	boolean has(String name) {
		return present(name).isPresent();
	}

	private ApiException wrong(String name, String what) {
		return new ApiException(400, "'" + path + name + "' must be " + what, path + name);
	}

	Optional<JsonElement> raw(String name) {
		return present(name);
	}

	Optional<String> string(String name) throws ApiException {
		Optional<JsonElement> value = present(name);
		if (value.isPresent() && !(value.get() instanceof JsonPrimitive p && p.isString())) {
			throw wrong(name, "a string");
		}
		return value.map(JsonElement::getAsString);
	}

	String required(String name) throws ApiException {
		return string(name).orElseThrow(() -> new ApiException(400, "'" + path + name + "' is missing", path + name));
	}

	boolean bool(String name, boolean otherwise) throws ApiException {
		Optional<JsonElement> value = present(name);
		if (value.isPresent() && !(value.get() instanceof JsonPrimitive p && p.isBoolean())) {
			throw wrong(name, "true or false");
		}
		return value.map(JsonElement::getAsBoolean).orElse(otherwise);
	}

	double number(String name, double otherwise, double min, double max) throws ApiException {
		Optional<JsonElement> value = present(name);
		if (value.isEmpty()) {
			return otherwise;
		}
		if (!(value.get() instanceof JsonPrimitive p && p.isNumber())) {
			throw wrong(name, "a number");
		}
		double v = value.get().getAsDouble();
		if (!(v >= min && v <= max)) {
			throw wrong(name, "between " + min + " and " + max + ", not " + v);
		}
		return v;
	}

	long integer(String name, long otherwise, long min, long max) throws ApiException {
		double v = number(name, otherwise, min, max);
		if (v != Math.rint(v)) {
			throw wrong(name, "a whole number");
		}
		return (long) v;
	}

	/** Tokens to generate: at least 1 and at most the server's limit (400 naming the limit beyond it). */
	int maxTokens(String name, int otherwise) throws ApiException {
		long n = integer(name, otherwise, Long.MIN_VALUE, Long.MAX_VALUE);
		if (n < 1) {
			throw wrong(name, "at least 1");
		}
		if (n > limits.maxTokens()) {
			throw new ApiException(400, "'" + path + name + "' is " + n + "; this server generates at most " + limits.maxTokens()
					+ " tokens per answer (--max-tokens)", path + name);
		}
		return (int) n;
	}

	/** Stop strings: one string or an array of them. */
	List<String> stops(String name) throws ApiException {
		Optional<JsonElement> value = present(name);
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
		Optional<JsonElement> value = present(name);
		if (value.isEmpty()) {
			if (required) {
				throw new ApiException(400, "'" + path + name + "' is missing", path + name);
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
			Fields message = new Fields(array.get(i).getAsJsonObject(), path + at + ".", limits);
			String role = message.required("role");
			role = role.equals("developer") ? "system" : role;
			if (!List.of("system", "user", "assistant").contains(role)) {
				throw new ApiException(400, "'" + path + at + ".role' is '" + role + "': this server takes system, user and assistant messages",
						path + at + ".role");
			}
			messages.add(new ChatMessage(role, message.content()));
		}
		prompt(messages.stream().mapToLong(m -> m.content().length()).sum(), name);
		return messages;
	}

	private String content() throws ApiException {
		Optional<JsonElement> value = present("content");
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
			text.append(new Fields(part.getAsJsonObject(), path + "content.", limits).required("text"));
		}
		return text.toString();
	}

	/** A prompt text (a string, or as OpenAI allows an array of one), within the prompt limit. */
	String prompt(String name, boolean required) throws ApiException {
		Optional<JsonElement> value = present(name);
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
			throw new ApiException(400, "'" + path + name + "' is missing", path + name);
		}
		String text = value.map(JsonElement::getAsString).orElse("");
		prompt(text.length(), name);
		return text;
	}

	private void prompt(long chars, String name) throws ApiException {
		if (chars > limits.promptChars()) {
			throw new ApiException(400, "'" + path + name + "' has " + chars + " characters; this server takes at most " + limits.promptChars()
					+ " (--max-prompt-chars)", path + name);
		}
	}
}
