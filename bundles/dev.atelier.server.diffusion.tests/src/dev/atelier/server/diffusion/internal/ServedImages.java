package dev.atelier.server.diffusion.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.AtelierPaths;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.Services;
import picocli.CommandLine.Command;

/**
 * {@code atelier serve} as the CLI runs it, on a free loopback port on the CPU, over a workspace whose
 * {@code models/checkpoints/tiny-sd} is the diffusion tests' random-weight pipeline; stopped by interrupting it.
 */
final class ServedImages implements AutoCloseable {

	static final Path TINY = Path.of("..", "dev.atelier.diffusion.tests", "fixture", "tiny-sd").toAbsolutePath().normalize();

	record Environment(String version, AtelierPaths paths, List<String> arguments) implements AtelierEnvironment {
	}

	record Reply(int status, String body) {
		JsonElement json() {
			return JsonParser.parseString(body);
		}
	}

	private final HttpClient http = HttpClient.newHttpClient();
	private final Thread thread;
	final URI address;

	private ServedImages(Thread thread, URI address) {
		this.thread = thread;
		this.address = address;
	}

	/** The workspace with the tiny pipeline, copied once per directory. */
	static Path workspace(Path dir) throws IOException {
		Path model = dir.resolve("models/checkpoints/tiny-sd");
		if (!Files.exists(model)) {
			try (Stream<Path> files = Files.walk(TINY)) {
				for (Path f : files.toList()) {
					Path to = model.resolve(TINY.relativize(f).toString());
					if (Files.isDirectory(f)) {
						Files.createDirectories(to);
					} else {
						Files.copy(f, to);
					}
				}
			}
		}
		return dir;
	}

	/** {@code atelier serve --port 0 --device cpu OPTIONS…} in the workspace, once it listens. */
	static ServedImages start(Path workspace, String... options) throws Exception {
		Services.await(ServedImages.class, Subcommand.class);
		BundleContext context = FrameworkUtil.getBundle(ServedImages.class).getBundleContext();
		Subcommand serve = null;
		CompletableFuture<String> line = new CompletableFuture<>();
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		PrintStream out = new PrintStream(new OutputStream() {
			@Override
			public synchronized void write(int b) {
				printed.write(b);
				if (b == '\n' && !line.isDone()) {
					line.complete(printed.toString(StandardCharsets.UTF_8));
				}
			}
		}, true, StandardCharsets.UTF_8);
		CommandContext ctx = CommandContext.of(out, System.err, new Environment("0.1.0.test", new AtelierPaths(workspace), List.of()));
		for (ServiceReference<Subcommand> reference : context.getServiceReferences(Subcommand.class, null)) {
			Subcommand sub = context.getService(reference);
			if (sub.newCommand(ctx).getClass().getAnnotation(Command.class).name().equals("serve")) {
				serve = sub;
			}
		}
		if (serve == null) {
			throw new AssertionError("no serve subcommand");
		}
		List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--device", "cpu"));
		args.addAll(List.of(options));
		Subcommand command = serve;
		Thread thread = new Thread(() -> {
			int exit = Cli.run(List.of(command), ctx, args);
			line.complete("exited " + exit);
		}, "atelier serve under test");
		thread.start();
		String listening = line.get();
		if (!listening.startsWith("atelier serve: listening on ")) {
			throw new AssertionError(listening);
		}
		return new ServedImages(thread, URI.create(listening.split(" ")[4]));
	}

	/** The {@code parameters} text of a PNG. */
	static String parameters(Path dir, byte[] png) throws IOException {
		Path file = Files.createTempFile(dir, "image", ".png");
		Files.write(file, png);
		return PngInfo.read(file).get(Infotext.CHUNK);
	}

	Reply get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(address.resolve(path)).GET());
	}

	Reply post(String path, String json) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(address.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json"));
	}

	private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		return new Reply(response.statusCode(), response.body());
	}

	@Override
	public void close() throws InterruptedException {
		thread.interrupt();
		thread.join();
		http.close();
	}
}
