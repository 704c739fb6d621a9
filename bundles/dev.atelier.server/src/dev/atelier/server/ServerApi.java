package dev.atelier.server;

import java.io.IOException;

import com.google.gson.JsonObject;

/**
 * A family of HTTP endpoints under one path prefix that {@code atelier serve} answers, registered as an OSGi service:
 * how a plugin adds its own API beside the built-in OpenAI- and Ollama-compatible ones. A request reaches it after the
 * server's own checks (the API key, CORS, the body's size limit); its answers go through the {@link Exchange}.
 */
public interface ServerApi {

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

	/** {@code {"error": message}}, as Ollama and most servers answer errors. */
	static JsonObject plainError(String message) {
		JsonObject body = new JsonObject();
		body.addProperty("error", message);
		return body;
	}
}
