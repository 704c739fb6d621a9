package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.atelier.server.ApiException;
import dev.atelier.server.Exchange;
import dev.atelier.server.ServerApi;

/**
 * Drives a server API's handler with one request body, the way {@code atelier serve} dispatches it, up to where the
 * request would reach a model: the back end stands in as one that throws {@link Reached}. The contract: the body is
 * answered by an {@link ApiException} of a 4xx status with a message, or reaches the back end.
 */
public final class Requests {

	/** Whether a {@link Reached} was made since it was last cleared: the back end runs on the server's threads. */
	public static final AtomicBoolean REACHED = new AtomicBoolean();

	/** The request was read whole and went to the model: the end of what the target checks. */
	public static final class Reached extends RuntimeException {
		private static final long serialVersionUID = 1L;

		public Reached() {
			super("reached the back end", null, false, false);
			REACHED.set(true);
		}
	}

	/** A broken contract, for the server's targets, which live in the server's packages. */
	public static RuntimeException finding(String message) {
		return new Contract.Finding(message, null);
	}

	/** {@link Contract#outcome}, for the server's targets. */
	public static void outcome(String what) {
		Contract.outcome(what);
	}

	/** The body as JSON; the server's own parsing (JettyExchange's) is the target's to pass in. */
	public interface Body {
		JsonObject json(byte[] body) throws ApiException;
	}

	private Requests() {
	}

	/** {@link Contract#warmUp} for the server's targets, which live in the server's packages. */
	public static void warmUp(Contract.Target target) {
		Contract.warmUp(target);
	}

	/** A workspace folder whose {@code relative} files exist (empty), made once per JVM. */
	public static Path workspace(String name, List<String> relative) {
		try {
			Path dir = Contract.emptyFolder(name);
			for (String r : relative) {
				Files.createDirectories(dir.resolve(r).getParent());
				Files.write(dir.resolve(r), new byte[0]);
			}
			return dir;
		} catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	/** Sends {@code body} as {@code POST path} to {@code api}. */
	public static void post(ServerApi api, String path, byte[] body, Body parse) {
		Exchange exchange = new Exchange() {
			@Override
			public String method() {
				return "POST";
			}

			@Override
			public String path() {
				return path;
			}

			@Override
			public Optional<String> header(String name) {
				return Optional.empty();
			}

			@Override
			public JsonObject json() throws ApiException {
				return parse.json(body);
			}

			@Override
			public void send(int status, JsonElement response) {
			}

			@Override
			public Stream stream(String contentType) {
				return text -> {
				};
			}

			@Override
			public boolean cancelled() {
				return false;
			}
		};
		try {
			api.handle(exchange);
			Contract.outcome("answered without the back end");
		} catch (Reached reached) {
			Contract.outcome("accepted: reached the back end");
		} catch (ApiException e) {
			Contract.outcome("refused: " + e.status() + " " + e.getMessage());
			if (e.status() < 400 || e.status() >= 500 || e.getMessage() == null || e.getMessage().isBlank()) {
				throw new Contract.Finding("status " + e.status() + " for a request's body: " + e.getMessage(), e);
			}
		} catch (Exception e) {
			throw new Contract.Finding("undocumented " + e.getClass().getName() + ": " + e.getMessage(), e);
		}
	}
}
