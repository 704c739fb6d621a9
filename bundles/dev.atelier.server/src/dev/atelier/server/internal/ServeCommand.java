package dev.atelier.server.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.device.DeviceService;
import dev.atelier.llm.LlmService;
import dev.atelier.server.Limits;
import dev.atelier.server.ServerApi;
import dev.atelier.server.ServerContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code atelier serve}: the OpenAI- and Ollama-compatible server over the workspace's models, with the APIs plugins
 * register as {@link ServerApi} services beside them.
 */
@Component(service = Subcommand.class)
public final class ServeCommand implements Subcommand {

	@Reference
	private LlmService llm;

	@Reference
	private DeviceService devices;

	@Reference
	private JobService jobs;

	@Reference
	private SecretStore secrets;

	/** Where {@code atelier serve key} keeps the server's key in the workspace's secure storage. */
	static final String KEY_PATH = "dev.atelier.server";
	static final String KEY_NAME = "apiKey";

	private final List<ServerApi.Provider> contributed = new CopyOnWriteArrayList<>();

	@Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
	void addApi(ServerApi.Provider api) {
		contributed.add(api);
	}

	void removeApi(ServerApi.Provider api) {
		contributed.remove(api);
	}

	@Override
	public Object newCommand(CommandContext context) {
		return new Serve(context, this);
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

	@Command(name = "serve", header = "serve the workspace's models over OpenAI's, Ollama's and AUTOMATIC1111's HTTP APIs", description = {
			"LLMs are the models folder's llm/*.gguf files (the preference models.folder, else the workspace's models/), named by their file name without .gguf. Endpoints: GET /v1/models, "
					+ "POST /v1/chat/completions and /v1/completions (OpenAI); GET /api/version, /api/tags, /api/ps, POST /api/chat, /api/generate "
					+ "and /api/show (Ollama). Where the diffusion capability is installed, images from its checkpoints/ too: "
					+ "POST /v1/images/generations (OpenAI) and /sdapi/v1/ (AUTOMATIC1111's txt2img, img2img, progress, interrupt, sd-models, "
					+ "samplers, options). Every request is a job, shown with the IDE's and the CLI's. "
					+ "Listens on 127.0.0.1 unless --host says otherwise; any other address needs a key: --api-key, or one stored "
					+ "with 'atelier serve key' (which clients must then send on loopback too). Runs until stopped (Ctrl+C or SIGTERM)." },
			subcommands = ServeCommand.Key.class)
	static final class Serve implements Callable<Integer> {

		private final CommandContext ctx;
		private final ServeCommand service;

		@Option(names = "--host", paramLabel = "H", description = "the address to listen on (default: ${DEFAULT-VALUE})")
		String host = "127.0.0.1";

		@Option(names = "--port", paramLabel = "N", description = "the port (default: ${DEFAULT-VALUE}; 0 takes a free one)")
		int port = 8080;

		@Option(names = "--api-key", paramLabel = "K", description = "clients must send 'Authorization: Bearer K'; required off loopback")
		String apiKey;

		@Option(names = "--cors", paramLabel = "ORIGIN", description = "lets web pages of ORIGIN (or * for any) call the server; none by default")
		String cors;

		@Option(names = "--device", paramLabel = "ID", description = "where models run: auto, cpu, cuda:N, … (default: ${DEFAULT-VALUE})")
		String device = "auto";

		@Option(names = "--context", paramLabel = "N", description = "the context of each model, in tokens (default: ${DEFAULT-VALUE})")
		int contextTokens = 4096;

		@Option(names = "--max-body", paramLabel = "BYTES", description = "the largest request body (default: ${DEFAULT-VALUE})")
		int maxBody = Limits.DEFAULT.bodyBytes();

		@Option(names = "--max-prompt-chars", paramLabel = "N", description = "the longest prompt or conversation (default: ${DEFAULT-VALUE})")
		int maxPrompt = Limits.DEFAULT.promptChars();

		@Option(names = "--max-tokens", paramLabel = "N", description = "the most tokens one answer may ask for (default: ${DEFAULT-VALUE})")
		int maxTokens = Limits.DEFAULT.maxTokens();

		@Option(names = "--queue", paramLabel = "N", description = "requests that may wait for a busy model or device; more get 429 (default: ${DEFAULT-VALUE})")
		int queue = Limits.DEFAULT.queue();

		@Option(names = "--max-image-size", paramLabel = "PIXELS", description = "the widest and tallest image one may ask for (default: ${DEFAULT-VALUE})")
		int maxImageSide = Limits.DEFAULT.imageSide();

		@Option(names = "--max-images", paramLabel = "N", description = "the images one request may ask for (default: ${DEFAULT-VALUE})")
		int maxImages = Limits.DEFAULT.images();

		@Option(names = "--max-steps", paramLabel = "N", description = "the denoising steps one image may ask for (default: ${DEFAULT-VALUE})")
		int maxSteps = Limits.DEFAULT.imageSteps();

		Serve(CommandContext ctx, ServeCommand service) {
			this.ctx = ctx;
			this.service = service;
		}

		@Override
		public Integer call() throws Exception {
			Optional<String> stored = apiKey == null ? storedKey() : Optional.empty();
			String key = apiKey != null ? apiKey : stored.orElse(null);
			// before anything is opened: a server reachable from elsewhere needs a key
			if (!loopback(host) && (key == null || key.isBlank())) {
				throw new UsageException("--host " + host + " is not a loopback address: give --api-key KEY too (clients send 'Authorization: Bearer KEY'),"
						+ " or store one with 'atelier serve key'");
			}
			if (contextTokens < 1) {
				throw new UsageException("--context must be at least 1, not " + contextTokens);
			}
			Limits limits;
			try {
				limits = new Limits(maxBody, maxPrompt, maxTokens, queue, maxImageSide, maxImages, maxSteps);
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
			ServerContext context = new ServerContext(ctx.environment().paths().workspaceRoot(), ModelsFolder.root(ctx.environment().paths()), device, limits, ctx.environment().version());
			CountDownLatch stopped = new CountDownLatch(1);
			CountDownLatch closed = new CountDownLatch(1);
			boolean interrupted = false;
			// SIGTERM: the hook ends the wait below and holds the JVM until the server has closed
			Thread hook = new Thread(() -> {
				ctx.err().println("atelier serve: stopping");
				stopped.countDown();
				try {
					closed.await();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}, "atelier serve shutdown");
			try (Models models = service.models(context, contextTokens);
					AtelierServer server = new AtelierServer(host, port, key, cors, limits, service.apis(models, context))) {
				URI address = server.start();
				Runtime.getRuntime().addShutdownHook(hook);
				ctx.out().println("atelier serve: listening on " + address + " (OpenAI at " + address + "v1, Ollama at " + address + "api); models from "
						+ context.models() + (models.folder().list().isEmpty() ? " (no LLM yet)" : "")
						+ (stored.isPresent() ? "; clients send the key stored with 'atelier serve key'" : ""));
				ctx.out().flush();
				try {
					stopped.await();
				} catch (InterruptedException e) {
					// stopped by whoever runs the command (a test, the IDE); the flag is set again once the server has closed
					interrupted = true;
				}
			} finally {
				closed.countDown();
				try {
					Runtime.getRuntime().removeShutdownHook(hook);
				} catch (IllegalStateException shuttingDown) {
					// SIGTERM: the hook is running
				}
			}
			ctx.out().println("atelier serve: stopped");
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
			return 0;
		}

		/** The key stored with {@code atelier serve key}; a workspace that does not exist yet has none (and is not made). */
		private Optional<String> storedKey() throws IOException {
			if (!Files.isDirectory(ctx.environment().paths().workspaceRoot())) {
				return Optional.empty();
			}
			return service.secrets.get(KEY_PATH, KEY_NAME).filter(k -> !k.isBlank());
		}

		private static boolean loopback(String host) throws UsageException {
			try {
				return InetAddress.getByName(host).isLoopbackAddress();
			} catch (UnknownHostException e) {
				throw new UsageException("--host " + host + " is not an address of this machine");
			}
		}
	}

	@Command(name = "key", header = "store or remove the server's API key in the workspace's secure storage", description = {
			"The key is read from standard input (never an argument, which shell history and ps would show). Once stored, "
					+ "'atelier serve' without --api-key requires it of every client, and may listen off loopback." })
	static final class Key implements Callable<Integer> {

		@ParentCommand
		private Serve parent;

		@Option(names = "--remove", description = "remove the stored key")
		private boolean remove;

		@Override
		public Integer call() throws IOException, UsageException {
			CommandContext ctx = parent.ctx;
			SecretStore secrets = parent.service.secrets;
			if (remove) {
				ctx.err().println(secrets.remove(KEY_PATH) ? "atelier serve key: removed the server's key" : "atelier serve key: no key was stored; nothing removed");
				return 0;
			}
			String key;
			try {
				key = SecretStore.readKey(System.in);
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
			secrets.put(KEY_PATH, KEY_NAME, key);
			ctx.err().println("atelier serve key: stored the server's key in the workspace's secure storage; clients send 'Authorization: Bearer KEY'");
			return 0;
		}
	}
}
