package dev.atelier.server;

import java.io.IOException;
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** One request to {@code atelier serve} and its response, for a {@link ServerApi}. */
public interface Exchange {

	/** {@code GET}, {@code POST}, … */
	String method();

	/** The path, without the query. */
	String path();

	/** A request header's value. */
	Optional<String> header(String name);

	/**
	 * The body as a JSON object, read once: 413 past the server's body limit, 400 where it is not a JSON object (both
	 * as {@link ApiException}).
	 */
	JsonObject json() throws ApiException;

	/** A whole JSON response. */
	void send(int status, JsonElement body) throws IOException;

	/** Starts a streamed response (status 200) of {@code contentType}: each write is sent at once. */
	Stream stream(String contentType) throws IOException;

	/** Whether the answer should stop: the server is stopping, or a streamed response could not be written. */
	boolean cancelled();

	/** A response sent piece by piece ({@code text/event-stream}, {@code application/x-ndjson}). */
	interface Stream {
		/** Sends {@code text} now; an {@link IOException} says the client went away (and {@link #cancelled} turns true). */
		void write(String text) throws IOException;
	}
}
