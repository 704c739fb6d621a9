package dev.atelier.server.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import com.google.gson.JsonObject;

import dev.atelier.server.ApiException;
import dev.atelier.server.Limits;
import dev.atelier.server.ServerApi;

/**
 * {@code atelier serve}'s HTTP server on Jetty's core (no servlets): checks the API key, answers CORS only for the
 * origin it was given, and hands each request to the {@link ServerApi} of the longest matching prefix, on Jetty's
 * thread, with blocking I/O.
 */
public final class AtelierServer implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(AtelierServer.class.getName());

	private final Server jetty;
	private final ServerConnector connector;
	private final String apiKey;
	private final String cors;
	private final Limits limits;
	private final List<ServerApi> apis;
	private volatile boolean stopping;

	/** {@code apiKey}, {@code corsOrigin} null for none; port 0 takes a free one. */
	public AtelierServer(String host, int port, String apiKey, String corsOrigin, Limits limits, List<ServerApi> apis) {
		this.apiKey = apiKey;
		this.cors = corsOrigin;
		this.limits = limits;
		this.apis = apis.stream().sorted(Comparator.comparingInt((ServerApi a) -> a.prefix().length()).reversed()).toList();
		jetty = new Server();
		HttpConfiguration http = new HttpConfiguration();
		http.setSendServerVersion(false);
		connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
		connector.setHost(host);
		connector.setPort(port);
		jetty.addConnector(connector);
		// what Jetty answers itself (a request it cannot parse, an exchange that failed) goes out as JSON like the APIs'
		// errors: its status and reason only, never Jetty's HTML page with the cause's message (the cause is logged)
		jetty.setErrorHandler((request, response, callback) -> {
			int status = response.getStatus() >= 400 ? response.getStatus() : 500;
			response.setStatus(status);
			response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
			String body = ServerApi.plainError(status + " " + HttpStatus.getMessage(status)).toString();
			response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
			return true;
		});
		jetty.setHandler(new Handler.Abstract() {
			@Override
			public boolean handle(Request request, Response response, Callback callback) {
				serve(request, response, callback);
				return true;
			}
		});
	}

	/** Jetty's server, for a connector beside the port's: the fuzz target's in-memory one (releng/dev.atelier.fuzz). */
	Server jetty() {
		return jetty;
	}

	/** Opens the port; returns the address clients use. */
	public URI start() throws Exception {
		jetty.start();
		String host = connector.getHost();
		String shown = host.contains(":") ? "[" + host + "]" : host;
		return URI.create("http://" + shown + ":" + connector.getLocalPort() + "/");
	}

	private void serve(Request request, Response response, Callback callback) {
		JettyExchange exchange = new JettyExchange(request, response, this);
		String path = exchange.path();
		ServerApi api = apis.stream().filter(a -> path.startsWith(a.prefix())).findFirst().orElse(null);
		try {
			if (cors != null) {
				response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, cors);
				response.getHeaders().put(HttpHeader.VARY, "Origin");
				if (exchange.method().equals("OPTIONS")) {
					response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
					response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type");
					response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, 600);
					response.setStatus(204);
					callback.succeeded();
					return;
				}
			}
			try {
				authorize(exchange);
				if (api == null) {
					throw new ApiException(404, "no endpoint " + exchange.method() + " " + path);
				}
				api.handle(exchange);
			} catch (ApiException e) {
				if (exchange.committed()) {
					throw new IOException("after the response began: " + e.getMessage(), e);
				}
				JsonObject body = api == null ? ServerApi.plainError(e.getMessage()) : api.error(e);
				if (e.status() == 401) {
					response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
				}
				exchange.send(e.status(), body);
			}
			exchange.finish();
			callback.succeeded();
		} catch (IOException | RuntimeException e) {
			if (!(e instanceof IOException)) {
				LOG.log(System.Logger.Level.WARNING, "atelier serve: " + exchange.method() + " " + path + " failed", e);
			}
			callback.failed(e);
		}
	}

	/** Without a key, everyone; with one, only {@code Authorization: Bearer KEY} (compared in constant time). */
	private void authorize(JettyExchange exchange) throws ApiException {
		if (apiKey == null) {
			return;
		}
		Optional<String> given = exchange.header("Authorization").filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).strip());
		if (given.isEmpty()) {
			throw new ApiException(401, "this server needs an API key: send 'Authorization: Bearer KEY'");
		}
		if (!MessageDigest.isEqual(given.get().getBytes(StandardCharsets.UTF_8), apiKey.getBytes(StandardCharsets.UTF_8))) {
			throw new ApiException(401, "the API key is wrong");
		}
	}

	boolean stopping() {
		return stopping;
	}

	Limits limits() {
		return limits;
	}

	/**
	 * Stops answering: running answers see {@link dev.atelier.server.Exchange#cancelled()} and end, then the port
	 * closes and the APIs close.
	 */
	@Override
	public void close() throws Exception {
		stopping = true;
		try {
			jetty.stop();
		} finally {
			for (ServerApi api : apis) {
				try {
					api.close();
				} catch (RuntimeException e) {
					LOG.log(System.Logger.Level.WARNING, "atelier serve: closing " + api.prefix() + " failed", e);
				}
			}
		}
	}
}
