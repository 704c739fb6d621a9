package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;
import dev.atelier.llm.Usage;
import dev.atelier.server.LocalServer;
import dev.atelier.server.ServerContext;
import dev.atelier.server.ApiException;
import dev.atelier.server.Limits;
import dev.atelier.testing.Services;
import picocli.CommandLine.Command;

/**
 * A workspace whose {@code models/llm/tiny.gguf} is a tiny random Llama made by {@code atelier llm synth} from the
 * tiny vocabulary (fixture/tiny-vocab.gguf), and servers on free loopback ports over it, driven with java.net.http.
 */
final class TestServer implements AutoCloseable {

	static final String VERSION = "0.1.0.test";

	record Environment(String version, AtelierPaths paths, List<String> arguments) implements AtelierEnvironment {
	}

	record Reply(int status, String body, HttpResponse<String> response) {
		JsonObject json() {
			return JsonParser.parseString(body).getAsJsonObject();
		}
	}

	record Run(int exit, String out, String err) {
	}

	private final HttpClient http = HttpClient.newHttpClient();
	final Path workspace;
	final Models models;
	final AtelierServer server;
	final URI address;

	private TestServer(Path workspace, Models models, AtelierServer server, URI address) {
		this.workspace = workspace;
		this.models = models;
		this.server = server;
		this.address = address;
	}

	/** The workspace with the tiny model, made once per directory. */
	static Path workspace(Path dir) throws Exception {
		Path model = dir.resolve("models/llm/tiny.gguf");
		if (!Files.exists(model)) {
			Files.createDirectories(model.getParent());
			Run synth = atelier(dir, "llm", "llm", "synth", "--shape", "tiny", "--type", "q8_0", "--vocab",
					Path.of("fixture/tiny-vocab.gguf").toAbsolutePath().toString(), "--out", model.toString());
			assertEquals(0, synth.exit(), synth.err());
		}
		return dir;
	}

	/**
	 * A server of its own over the workspace's models, built of the pieces {@code atelier serve}'s is, on the CPU with the
	 * tiny model's context.
	 */
	static TestServer start(Path workspace, String apiKey, String cors, Limits limits) throws Exception {
		ServerHost host = host();
		ServerContext context = new ServerContext(workspace, workspace.resolve("models"), "cpu", limits, VERSION);
		Models models = host.models(context, 256);
		AtelierServer server = new AtelierServer("127.0.0.1", 0, apiKey, cors, limits, host.apis(models, context));
		return new TestServer(workspace, models, server, server.start());
	}

	/** The process's server, as the framework made it. */
	static ServerHost host() throws InterruptedException {
		return (ServerHost) Services.await(TestServer.class, LocalServer.class);
	}

	/** The subcommand service of that class, as the framework made it. */
	static <T> T subcommand(Class<T> type) throws InterruptedException, InvalidSyntaxException {
		Services.await(TestServer.class, Subcommand.class);
		BundleContext context = FrameworkUtil.getBundle(TestServer.class).getBundleContext();
		for (ServiceReference<Subcommand> reference : context.getServiceReferences(Subcommand.class, null)) {
			if (type.isInstance(context.getService(reference))) {
				return type.cast(context.getService(reference));
			}
		}
		throw new AssertionError("no " + type.getSimpleName() + " service");
	}

	/** Runs {@code atelier ARGS…} with the subcommand whose command is named {@code name}, in the workspace. */
	static Run atelier(Path workspace, String name, String... args) throws Exception {
		Services.await(TestServer.class, Subcommand.class);
		BundleContext context = FrameworkUtil.getBundle(TestServer.class).getBundleContext();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		CommandContext ctx = context(workspace, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
		for (ServiceReference<Subcommand> reference : context.getServiceReferences(Subcommand.class, null)) {
			Subcommand sub = context.getService(reference);
			if (sub.newCommand(ctx).getClass().getAnnotation(Command.class).name().equals(name)) {
				int exit = Cli.run(List.of(sub), ctx, List.of(args));
				return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
			}
		}
		throw new AssertionError("no subcommand " + name);
	}

	static CommandContext context(Path workspace, PrintStream out, PrintStream err) {
		return CommandContext.of(out, err, new Environment(VERSION, new AtelierPaths(workspace), List.of()));
	}

	Reply get(String path, String... headers) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(address.resolve(path)).GET(), headers);
	}

	Reply post(String path, String body, String... headers) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(address.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type",
				"application/json"), headers);
	}

	Reply send(HttpRequest.Builder request, String... headers) throws IOException, InterruptedException {
		if (headers.length > 0) {
			request.headers(headers);
		}
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), response.body(), response);
	}

	@Override
	public void close() throws Exception {
		server.close();
		models.close();
		http.close();
	}

	/**
	 * {@code answers} answers that hold the tiny model's runner: each counts {@code answering} down once it runs, then
	 * waits for {@code release}; join the threads after releasing them.
	 */
	List<Thread> occupy(int answers, CountDownLatch answering, CountDownLatch release) throws ApiException {
		ModelFolder.Entry tiny = models.folder().find("tiny", "model");
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < answers; i++) {
			threads.add(Thread.ofPlatform().start(() -> {
				try {
					models.run(tiny, "chat", null, (model, stop) -> {
						answering.countDown();
						try {
							release.await();
						} catch (InterruptedException e) {
							Thread.currentThread().interrupt();
						}
						return new Usage(0, 0, 0, 0);
					}, () -> false);
				} catch (Exception e) {
					throw new IllegalStateException(e);
				}
			}));
		}
		return threads;
	}
}
