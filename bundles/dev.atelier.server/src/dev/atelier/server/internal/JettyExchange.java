package dev.atelier.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.atelier.server.ApiException;
import dev.atelier.server.Exchange;

/** An exchange over Jetty's core request and response, written with blocking streams on the request's thread. */
record JettyExchange(Request request, Response response, AtelierServer server, Output sent) implements Exchange {

	/** How often a whole answer in the making looks whether its client closed the connection. */
	private static final long PROBE_NANOS = 100_000_000L;

	/**
	 * The response's stream, opened by the first write; whether a write (or a probe) found the client gone; whether
	 * the request's body was read to its end, so that the connection may be probed.
	 */
	static final class Output {
		private OutputStream stream;
		private volatile boolean gone;
		private volatile boolean bodyRead;
		private boolean probing = true;
		private long lastProbe;
	}

	JettyExchange(Request request, Response response, AtelierServer server) {
		this(request, response, server, new Output());
	}

	@Override
	public String method() {
		return request.getMethod();
	}

	@Override
	public String path() {
		return Request.getPathInContext(request);
	}

	@Override
	public Optional<String> header(String name) {
		return Optional.ofNullable(request.getHeaders().get(name));
	}

	@Override
	public JsonObject json() throws ApiException {
		int bodyLimit = server.limits().bodyBytes();
		long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
		if (declared > bodyLimit) {
			throw tooLarge(declared + " bytes");
		}
		byte[] body;
		try (InputStream in = Content.Source.asInputStream(request)) {
			body = in.readNBytes(bodyLimit + 1);
		} catch (IOException e) {
			throw new ApiException(400, "could not read the request body: " + e.getMessage());
		}
		if (body.length > bodyLimit) {
			throw tooLarge("more than " + bodyLimit + " bytes");
		}
		sent.bodyRead = true;
		return body(body);
	}

	/** A request body within the limit as the JSON object it must be: 400 where it is not. */
	static JsonObject body(byte[] body) throws ApiException {
		try {
			JsonElement json = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
			if (!json.isJsonObject()) {
				throw new ApiException(400, "the request body is not a JSON object");
			}
			return json.getAsJsonObject();
		} catch (JsonParseException e) {
			throw new ApiException(400, "the request body is not JSON: " + e.getMessage());
		}
	}

	private ApiException tooLarge(String size) {
		return new ApiException(413, "the request body has " + size + "; the limit is " + server.limits().bodyBytes() + " bytes (--max-body)");
	}

	@Override
	public void send(int status, JsonElement body) throws IOException {
		byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
		response.setStatus(status);
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
		response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
		output().write(bytes);
	}

	@Override
	public Stream stream(String contentType) throws IOException {
		response.setStatus(200);
		response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType + "; charset=utf-8");
		response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
		OutputStream stream = output();
		return text -> {
			try {
				stream.write(text.getBytes(StandardCharsets.UTF_8));
				stream.flush();
			} catch (IOException e) {
				sent.gone = true;
				throw e;
			}
		};
	}

	private OutputStream output() {
		if (sent.stream == null) {
			sent.stream = Content.Sink.asOutputStream(response);
		}
		return sent.stream;
	}

	/** Whether a response was begun: an error found later can no longer be sent as one. */
	boolean committed() {
		return sent.stream != null || response.isCommitted();
	}

	/** Ends the response. */
	void finish() throws IOException {
		output().close();
	}

	@Override
	public boolean cancelled() {
		return sent.gone || server.stopping() || closedByClient();
	}

	/**
	 * Whether the client closed the connection while no answer has been sent yet. Jetty reports that only when a
	 * write fails, and a whole answer writes nothing until it is done, so the connection is read: with the request
	 * read to its end, the next bytes are end-of-stream (the client left) or a pipelined request — whose bytes this
	 * consumes, so the answer then closes the connection and the client sends that request again.
	 */
	private boolean closedByClient() {
		boolean noBody = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH) <= 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
		if (sent.stream != null || !(sent.bodyRead || noBody)) {
			return false;
		}
		synchronized (sent) {
			long now = System.nanoTime();
			if (!sent.probing || now - sent.lastProbe < PROBE_NANOS) {
				return sent.gone;
			}
			sent.lastProbe = now;
			try {
				int read = request.getConnectionMetaData().getConnection().getEndPoint().fill(BufferUtil.allocate(1));
				if (read > 0) {
					sent.probing = false;
					response.getHeaders().put(HttpHeader.CONNECTION, "close");
				}
				sent.gone = read < 0;
			} catch (IOException e) {
				sent.gone = true;
			}
			return sent.gone;
		}
	}
}
