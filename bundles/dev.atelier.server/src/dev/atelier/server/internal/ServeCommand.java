package dev.atelier.server.internal;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.server.Limits;
import dev.atelier.server.LocalServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code atelier serve}: the process's {@link LocalServer} (the OpenAI- and Ollama-compatible server over the
 * workspace's models, with the APIs plugins register beside them), headless until stopped.
 */
@Component(service = Subcommand.class)
public final class ServeCommand implements Subcommand {

	@Reference
	private LocalServer server;

	@Reference
	private SecretStore secrets;

	@Override
	public Object newCommand(CommandContext context) {
		return new Serve(context, this);
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
		String host = LocalServer.LOOPBACK;

		@Option(names = "--port", paramLabel = "N", description = "the port (default: ${DEFAULT-VALUE}; 0 takes a free one)")
		int port = LocalServer.DEFAULT_PORT;

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

		@Option(names = "--parallel", paramLabel = "N", description = "answers one model decodes together (continuous batching), each with its own"
				+ " key/value cache of --context tokens; more wait in the queue (default: ${DEFAULT-VALUE})")
		int parallel = Limits.DEFAULT.parallel();

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
			if (contextTokens < 1) {
				throw new UsageException("--context must be at least 1, not " + contextTokens);
			}
			LocalServer.Settings settings;
			try {
				Limits limits = new Limits(maxBody, maxPrompt, maxTokens, queue, maxImageSide, maxImages, maxSteps, parallel);
				settings = new LocalServer.Settings(ctx.environment(), host, port, apiKey, cors, device, contextTokens, limits);
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
			LocalServer.Running running;
			try {
				running = service.server.start(settings);
			} catch (IllegalArgumentException e) {
				// a host off loopback without a key, or no address of this machine: refused before anything opened
				throw new UsageException("--host " + e.getMessage());
			}
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
			try {
				Runtime.getRuntime().addShutdownHook(hook);
				URI address = running.address();
				ctx.out().println("atelier serve: listening on " + address + " (OpenAI at " + address + "v1, Ollama at " + address + "api); models from "
						+ running.models() + (ModelsFolder.ggufFiles(running.models().resolve("llm")).isEmpty() ? " (no LLM yet)" : "")
						+ (running.storedKey() ? "; clients send the key stored with 'atelier serve key'" : ""));
				ctx.out().flush();
				try {
					stopped.await();
				} catch (InterruptedException e) {
					// stopped by whoever runs the command (a test); the flag is set again once the server has closed
					interrupted = true;
				}
			} finally {
				service.server.stop();
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
				ctx.err().println(secrets.remove(ServerHost.KEY_PATH) ? "atelier serve key: removed the server's key" : "atelier serve key: no key was stored; nothing removed");
				return 0;
			}
			String key;
			try {
				key = SecretStore.readKey(System.in);
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
			secrets.put(ServerHost.KEY_PATH, ServerHost.KEY_NAME, key);
			ctx.err().println("atelier serve key: stored the server's key in the workspace's secure storage; clients send 'Authorization: Bearer KEY'");
			return 0;
		}
	}
}
