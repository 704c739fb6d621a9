package dev.atelier.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

import dev.atelier.core.AtelierEnvironment;

/**
 * The server of this Atelier process: {@code atelier serve} runs it headless, the IDE starts and stops it inside
 * itself. One at a time per process; its requests are jobs of the process's one job service, so the IDE's views and
 * outside clients share one queue.
 */
public interface LocalServer {

	/** The port {@code atelier serve} and the IDE listen on unless told otherwise. */
	int DEFAULT_PORT = 8080;

	String LOOPBACK = "127.0.0.1";

	/**
	 * How to serve.
	 *
	 * @param environment   whose workspace's models are served (its models folder preference), and the version told
	 * @param host          the address to listen on; any but a loopback one needs a key
	 * @param port          0 takes a free one
	 * @param apiKey        what clients send as {@code Authorization: Bearer KEY}; null: the key stored with
	 *                      {@code atelier serve key}, if any
	 * @param cors          the web origin (or {@code *}) allowed to call; null for none
	 * @param deviceId      where models run: {@code auto}, {@code cpu}, {@code cuda:N}, …
	 * @param contextTokens each model's context
	 */
	record Settings(AtelierEnvironment environment, String host, int port, String apiKey, String cors, String deviceId, int contextTokens,
			Limits limits) {

		public Settings {
			if (host == null || host.isBlank()) {
				throw new IllegalArgumentException("no host to listen on: give an address such as " + LOOPBACK);
			}
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port " + port + " is not a port: 1 to 65535, or 0 for a free one");
			}
			if (contextTokens < 1) {
				throw new IllegalArgumentException("the context must be at least 1 token, not " + contextTokens);
			}
		}

		/** On {@code host:port} with the stored key (if any), no CORS, the device chosen for it, 4096 tokens and the default limits. */
		public static Settings of(AtelierEnvironment environment, String host, int port) {
			return new Settings(environment, host, port, null, null, "auto", 4096, Limits.DEFAULT);
		}
	}

	/**
	 * A server that listens.
	 *
	 * @param address   where clients reach it, e.g. {@code http://127.0.0.1:8080/}
	 * @param models    the models folder it serves
	 * @param keyed     whether clients must send a key
	 * @param storedKey whether that key is the one stored with {@code atelier serve key}
	 */
	record Running(URI address, Path models, boolean keyed, boolean storedKey) {
	}

	/**
	 * Starts listening; returns once clients can connect.
	 *
	 * @throws IllegalArgumentException a host that is not loopback without a key, or not an address of this machine
	 *                                  (checked before anything is opened)
	 * @throws IllegalStateException    when it runs already
	 * @throws IOException              when the port cannot be had (taken by another program, say), or the secure
	 *                                  storage cannot be read; each message says which
	 */
	Running start(Settings settings) throws IOException;

	/**
	 * Stops listening and returns once the port is free: running answers end (their jobs cancelled) and the models
	 * unload. Nothing happens when it does not run.
	 */
	void stop();

	/** The server while it runs. */
	Optional<Running> running();

	/** {@code listener} hears each start and stop (empty once stopped), on the thread that made it. */
	void addListener(Consumer<Optional<Running>> listener);

	void removeListener(Consumer<Optional<Running>> listener);
}
