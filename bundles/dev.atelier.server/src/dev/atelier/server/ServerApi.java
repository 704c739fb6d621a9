package dev.atelier.server;

import java.io.IOException;
import java.util.List;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * A family of HTTP endpoints under one path prefix that {@code atelier serve} answers: how a plugin adds its own API
 * beside the built-in OpenAI- and Ollama-compatible ones, by registering a {@link Provider} as an OSGi service. A
 * request reaches it after the server's own checks (the API key, CORS, the body's size limit); its answers go through
 * the {@link Exchange}. The longest matching prefix wins, so {@code /v1/images/} may sit beside OpenAI's {@code /v1/}.
 */
public interface ServerApi extends AutoCloseable {

	/**
	 * Opens its APIs for each server that starts: a server's state (its running jobs, its chosen model) stays with
	 * that server, and may be shared by the APIs of one provider (OpenAI's images and A1111's progress).
	 */
	@FunctionalInterface
	interface Provider {
		List<ServerApi> open(ServerContext server);
	}

	/** The paths it answers start with this, e.g. {@code /sdapi/v1/}. */
	String prefix();

	/**
	 * Answers one request. An {@link ApiException} thrown before anything was sent becomes an error response of
	 * {@link #error}; an {@link IOException} means the client went away.
	 */
	void handle(Exchange exchange) throws ApiException, IOException;

	/** The body of an error response in this API's format; {@code {"error": message}} unless it says otherwise. */
	default JsonObject error(ApiException problem) {
		return plainError(problem.getMessage());
	}

	/** The server stops: running work ends (its clients get an error), then nothing more is asked of this API. */
	@Override
	default void close() {
	}

	/** {@code {"error": message}}, as Ollama and most servers answer errors. */
	static JsonObject plainError(String message) {
		JsonObject body = new JsonObject();
		body.addProperty("error", message);
		return body;
	}

	/** OpenAI's error object: message, type (from the status), param and code. */
	static JsonObject openAiError(ApiException problem) {
		JsonObject error = new JsonObject();
		error.addProperty("message", problem.getMessage());
		error.addProperty("type", switch (problem.status()) {
			case 401 -> "authentication_error";
			case 404 -> "not_found_error";
			case 429 -> "rate_limit_error";
			case 500, 503 -> "server_error";
			default -> "invalid_request_error";
		});
		error.add("param", problem.param() == null ? JsonNull.INSTANCE : new JsonPrimitive(problem.param()));
		error.add("code", switch (problem.status()) {
			case 401 -> new JsonPrimitive("invalid_api_key");
			case 404 -> new JsonPrimitive("model_not_found");
			default -> JsonNull.INSTANCE;
		});
		JsonObject body = new JsonObject();
		body.add("error", error);
		return body;
	}
}
