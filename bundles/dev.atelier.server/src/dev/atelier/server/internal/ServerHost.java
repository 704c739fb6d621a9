package dev.atelier.server.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.atelier.core.ModelsFolder;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.device.DeviceService;
import dev.atelier.llm.LlmService;
import dev.atelier.server.LocalServer;
import dev.atelier.server.ServerApi;
import dev.atelier.server.ServerContext;

/**
 * The process's one server, as {@code atelier serve} and the IDE's toggle run it: the LLMs of the models folder
 * behind the built-in OpenAI and Ollama APIs and the APIs plugins register as {@link ServerApi.Provider} services.
 */
@Component(service = LocalServer.class)
public final class ServerHost implements LocalServer {

	private static final System.Logger LOG = System.getLogger(ServerHost.class.getName());

	/** Where {@code atelier serve key} keeps the server's key in the workspace's secure storage. */
	static final String KEY_PATH = "dev.atelier.server";
	static final String KEY_NAME = "apiKey";

	@Reference
	private LlmService llm;

	@Reference
	private DeviceService devices;

	@Reference
	private JobService jobs;

	@Reference
	private SecretStore secrets;

	private final List<ServerApi.Provider> contributed = new CopyOnWriteArrayList<>();
	private final List<Consumer<Optional<Running>>> listeners = new CopyOnWriteArrayList<>();

	/** What runs: the models and the server over them, closed together. */
	private record Serving(Running running, Models models, AtelierServer server) {
	}

	/** Starts and stops one at a time; {@link #running()} reads without waiting for them. */
	private final Object turn = new Object();
	private volatile Serving serving;

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addApi(ServerApi.Provider api) {
		contributed.add(api);
	}

	void removeApi(ServerApi.Provider api) {
		contributed.remove(api);
	}

	@Override
	public Running start(Settings settings) throws IOException {
		Running running;
		synchronized (turn) {
			if (serving != null) {
				throw new IllegalStateException("the server runs already at " + serving.running().address() + ": stop it first");
			}
			Optional<String> stored = settings.apiKey() == null ? storedKey(settings) : Optional.empty();
			String key = settings.apiKey() != null ? settings.apiKey() : stored.orElse(null);
			// before anything is opened: a server reachable from elsewhere needs a key
			if (!loopback(settings.host()) && (key == null || key.isBlank())) {
				throw new IllegalArgumentException(settings.host() + " is not a loopback address, so other machines could reach the server: it needs an API key"
						+ " (--api-key KEY, or one stored with 'atelier serve key'), which clients send as 'Authorization: Bearer KEY'");
			}
			ServerContext context = new ServerContext(settings.environment().paths().workspaceRoot(), ModelsFolder.root(settings.environment().paths()),
					settings.deviceId(), settings.limits(), settings.environment().version());
			Models models = models(context, settings.contextTokens());
			AtelierServer server = new AtelierServer(settings.host(), settings.port(), key, settings.cors(), settings.limits(), apis(models, context));
			URI address;
			try {
				address = server.start();
			} catch (Exception e) {
				close(server, models);
				throw bindProblem(settings, e);
			}
			running = new Running(address, context.models(), key != null, stored.isPresent());
			serving = new Serving(running, models, server);
		}
		tell(Optional.of(running));
		return running;
	}

	@Override
	public void stop() {
		synchronized (turn) {
			Serving stopping = serving;
			if (stopping == null) {
				return;
			}
			close(stopping.server(), stopping.models());
			serving = null;
		}
		tell(Optional.empty());
	}

	@Deactivate
	void deactivate() {
		stop();
	}

	@Override
	public Optional<Running> running() {
		Serving now = serving;
		return now == null ? Optional.empty() : Optional.of(now.running());
	}

	@Override
	public void addListener(Consumer<Optional<Running>> listener) {
		listeners.add(listener);
	}

	@Override
	public void removeListener(Consumer<Optional<Running>> listener) {
		listeners.remove(listener);
	}

	private void tell(Optional<Running> now) {
		for (Consumer<Optional<Running>> listener : listeners) {
			try {
				listener.accept(now);
			} catch (RuntimeException e) {
				LOG.log(System.Logger.Level.WARNING, "a listener of the server failed", e);
			}
		}
	}

	/** The built-in APIs over the LLMs of {@code models} and the contributed ones, opened for {@code server}. */
	List<ServerApi> apis(Models models, ServerContext server) {
		List<ServerApi> apis = new ArrayList<>();
		for (ServerApi.Provider provider : contributed) {
			apis.addAll(provider.open(server));
		}
		apis.add(new OpenAiApi(models));
		apis.add(new OllamaApi(models, llm, server.version(), this::onHost));
		return apis;
	}

	/** The server's LLMs: the models folder's {@code llm/*.gguf}. */
	Models models(ServerContext server, int context) {
		return new Models(llm, jobs, new ModelFolder(server.models().resolve("llm")), new Models.Serving(server.deviceId(), context, server.limits()));
	}

	/** Whether every device a model runs on ({@code cpu+cuda:0} names two) keeps it in host memory. */
	private boolean onHost(String deviceIds) {
		return !deviceIds.isEmpty() && Arrays.stream(deviceIds.split("\\+")).allMatch(id -> devices.resolve(id).hostMemory());
	}

	/** The key stored with {@code atelier serve key}; a workspace that does not exist yet has none (and is not made). */
	private Optional<String> storedKey(Settings settings) throws IOException {
		if (!Files.isDirectory(settings.environment().paths().workspaceRoot())) {
			return Optional.empty();
		}
		return secrets.get(KEY_PATH, KEY_NAME).filter(k -> !k.isBlank());
	}

	private static boolean loopback(String host) {
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		} catch (UnknownHostException e) {
			throw new IllegalArgumentException(host + " is not an address of this machine");
		}
	}

	/** Jetty reports a taken port as an IOException around a BindException; the message says which port and what to do. */
	private static IOException bindProblem(Settings settings, Exception e) {
		for (Throwable t = e; t != null; t = t.getCause()) {
			if (t instanceof BindException) {
				return new IOException("port " + settings.port() + " on " + settings.host() + " is taken (another program listens there, or the address is not"
						+ " this machine's): choose another port, or 0 for a free one", e);
			}
		}
		return new IOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
	}

	private static void close(AtelierServer server, Models models) {
		try {
			server.close();
		} catch (Exception e) {
			LOG.log(System.Logger.Level.WARNING, "atelier serve: stopping the server failed", e);
		} finally {
			models.close();
		}
	}
}
