package dev.atelier.server.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;

import dev.atelier.fuzz.Requests;
import dev.atelier.server.Limits;

/**
 * {@code atelier serve}'s dispatch before a handler: raw HTTP bytes (the input: request line, headers, body, possibly
 * several requests on one connection) through Jetty's parser into {@link AtelierServer}'s key check, CORS answer, body
 * size limit and choice of API, on an in-memory connector of a server started as {@code serve --api-key K --cors O
 * --max-body 512} starts it (OpenAI's and Ollama's APIs over {@link ServerLlmRequestTarget}'s models, whose back end
 * throws {@link Requests.Reached}). The contract, for every response: no 5xx unless the request reached the back end
 * (or Jetty refused the protocol itself: 501, 505);
 * nothing but a CORS preflight's 204 is a success, and nothing reaches the back end, unless the input holds the key;
 * a CORS header, if any, names the configured origin and no other.
 */
public final class ServerDispatchTarget {

	/** What Jetty's HTTP parser answers before any dispatch: 501 for a transfer coding, 505 for a version it does not know. */
	private static final Set<Integer> PROTOCOL_REFUSALS = Set.of(501, 505);
	static final String KEY = "sk-fuzz-0123456789";
	static final String ORIGIN = "https://app.example";
	private static final byte[] KEY_BYTES = KEY.getBytes(StandardCharsets.US_ASCII);
	/** Kept so that its level holds: each request reaching the back end would log a stack trace. */
	private static final Logger QUIET = Logger.getLogger(AtelierServer.class.getName());
	private static final LocalConnector CONNECTOR;
	private static final AtelierServer SERVER;

	static {
		QUIET.setLevel(Level.OFF);
		SERVER = new AtelierServer("127.0.0.1", 0, KEY, ORIGIN, new Limits(512, 200_000, 8192, 16),
				List.of(ServerLlmRequestTarget.OPENAI, ServerLlmRequestTarget.OLLAMA));
		CONNECTOR = new LocalConnector(SERVER.jetty());
		SERVER.jetty().addConnector(CONNECTOR);
		try {
			SERVER.start();
		} catch (Exception e) {
			throw new IllegalStateException("the server did not start: " + e.getMessage(), e);
		}
	}

	private ServerDispatchTarget() {
	}

	public static void fuzzerInitialize() {
		Requests.warmUp(ServerDispatchTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws Exception {
		Requests.REACHED.set(false);
		LocalConnector.LocalEndPoint connection = CONNECTOR.connect();
		connection.addInput(ByteBuffer.wrap(data));
		connection.addInputEOF();
		// the end of input closes the connection once its requests are answered; an input that hangs is run.sh's to catch
		connection.waitUntilClosed();
		ByteBuffer output = connection.takeOutput();
		boolean keyGiven = contains(data, KEY_BYTES);
		boolean reached = Requests.REACHED.get();
		if (reached && !keyGiven) {
			throw Requests.finding("a request without the API key reached the back end");
		}
		for (HttpTester.Response response : responses(output, methods(data))) {
			int status = response.getStatus();
			Requests.outcome("answered " + status + " " + response.getContent());
			if (status >= 500 && !reached && !PROTOCOL_REFUSALS.contains(status)) {
				throw Requests.finding("status " + status + " without reaching the back end: " + response.getContent());
			}
			if (status >= 200 && status < 300 && !keyGiven && status != 204) {
				throw Requests.finding("status " + status + " without the API key: " + response.getContent());
			}
			String allowed = response.get("Access-Control-Allow-Origin");
			if (allowed != null && !allowed.equals(ORIGIN)) {
				throw Requests.finding("CORS allows the origin " + allowed + ", not only " + ORIGIN);
			}
		}
	}

	/**
	 * The answers in order; an answer to HEAD has a Content-Length but no body, so its request's method says how to read
	 * it (else the next answer is read as its body).
	 */
	private static List<HttpTester.Response> responses(ByteBuffer output, List<String> methods) throws IOException {
		List<HttpTester.Response> all = new ArrayList<>();
		HttpTester.Input in = HttpTester.from(output);
		while (true) {
			HttpTester.Response response = HttpTester.parseResponse(in, all.size() < methods.size() && methods.get(all.size()).equals("HEAD"));
			if (response == null) {
				return all;
			}
			all.add(response);
		}
	}

	/** The methods of the input's requests as HTTP/1.1 reads them, up to the first one it cannot read (the server refuses that one). */
	private static List<String> methods(byte[] data) {
		List<String> methods = new ArrayList<>();
		HttpTester.Input in = HttpTester.from(ByteBuffer.wrap(data));
		try {
			for (HttpTester.Request request = HttpTester.parseRequest(in); request != null; request = HttpTester.parseRequest(in)) {
				methods.add(request.getMethod());
			}
		} catch (IOException | RuntimeException e) {
			// what follows is refused by the server's parser too, with no HEAD answer among them
		}
		return methods;
	}

	private static boolean contains(byte[] data, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= data.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (data[i + j] != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}
}
