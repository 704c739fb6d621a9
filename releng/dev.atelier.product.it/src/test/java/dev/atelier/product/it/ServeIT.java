package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * {@code atelier serve} in the product: Jetty, the LLM and the image APIs under the product's own runtime, driven with
 * java.net.http and with the official {@code openai} and {@code ollama} npm clients; SIGTERM ending it.
 */
class ServeIT {

	private static final Path ROOT = Path.of(System.getProperty("atelier.root", "../.."));
	private static final Path CLIENTS = ROOT.resolve("releng/serve-clients").toAbsolutePath().normalize();

	/** A workspace with the tiny LLM in models/llm and the tiny pipeline in models/checkpoints. */
	private static Path workspace(String name) throws IOException, InterruptedException {
		Path ws = Product.newWorkspace(name);
		Path model = ws.resolve("models/llm/tiny.gguf");
		Files.createDirectories(model.getParent());
		Product.Run synth = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "llm", "synth", "--shape", "tiny", "--type", "q8_0", "--vocab",
				ROOT.resolve("bundles/dev.atelier.server.tests/fixture/tiny-vocab.gguf").toAbsolutePath().toString(), "--out", model.toString());
		assertEquals(0, synth.exitCode(), synth.all());
		Path tiny = ROOT.resolve("bundles/dev.atelier.diffusion.tests/fixture/tiny-sd").toAbsolutePath().normalize();
		Path to = ws.resolve("models/checkpoints/tiny-sd");
		try (Stream<Path> files = Files.walk(tiny)) {
			for (Path f : files.toList()) {
				Path target = to.resolve(tiny.relativize(f).toString());
				if (Files.isDirectory(f)) {
					Files.createDirectories(target);
				} else {
					Files.copy(f, target);
				}
			}
		}
		return ws;
	}

	/** The product's serve on a free loopback port, on the CPU. */
	private record Served(Process process, URI address, Path err, String listening) implements AutoCloseable {

		static Served start(Path ws) throws IOException, InterruptedException {
			ProcessBuilder builder = new ProcessBuilder(List.of(Product.home().resolve("atelier").toString(), "serve", "--port", "0", "--device", "cpu"));
			builder.environment().remove("JAVA_HOME");
			builder.environment().put("ATELIER_WORKSPACE", ws.toString());
			Path err = Files.createTempFile("atelier-serve-err", ".txt");
			builder.redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
			Process serve = builder.start();
			BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
			String listening = out.readLine();
			assertTrue(listening != null && listening.startsWith("atelier serve: listening on http://127.0.0.1:"), listening + Files.readString(err));
			return new Served(serve, URI.create(listening.split(" ")[4]), err, listening);
		}

		String errors() throws IOException {
			return Files.readString(err);
		}

		@Override
		public void close() throws IOException {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
			Files.deleteIfExists(err);
		}
	}

	private static HttpResponse<String> post(HttpClient http, URI address, String path, String json) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(address.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void serveAnswersOnLoopbackAndSigtermStopsIt() throws Exception {
		Path ws = workspace("serve");
		try (Served serve = Served.start(ws); HttpClient http = HttpClient.newHttpClient()) {
			HttpResponse<String> models = http.send(HttpRequest.newBuilder(serve.address().resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
			assertEquals(200, models.statusCode(), models.body());
			assertTrue(models.body().contains("\"id\":\"tiny\""), models.body());
			HttpResponse<String> answer = post(http, serve.address(), "/api/generate",
					"{\"model\":\"tiny\",\"prompt\":\"hello\",\"raw\":true,\"stream\":false,\"options\":{\"num_predict\":2,\"temperature\":0}}");
			assertEquals(200, answer.statusCode(), answer.body() + serve.errors());
			assertTrue(answer.body().contains("\"done\":true"), answer.body());
			HttpResponse<String> image = post(http, serve.address(), "/sdapi/v1/txt2img", "{\"prompt\":\"a horse\",\"seed\":9,\"steps\":2,\"width\":64,\"height\":64}");
			assertEquals(200, image.statusCode(), image.body() + serve.errors());
			JsonObject body = JsonParser.parseString(image.body()).getAsJsonObject();
			byte[] png = Base64.getDecoder().decode(body.getAsJsonArray("images").get(0).getAsString());
			assertTrue(new String(png, StandardCharsets.ISO_8859_1).contains("parameters\0a horse\n"), "the PNG carries A1111's parameters text");
			assertEquals(9, JsonParser.parseString(body.get("info").getAsString()).getAsJsonObject().get("seed").getAsLong());

			serve.process().destroy(); // SIGTERM
			int exit = serve.process().waitFor();
			assertTrue(Set.of(0, 143).contains(exit), "ended by SIGTERM, not killed: " + exit + "\n" + serve.errors());
			assertTrue(serve.errors().contains("atelier serve: stopping"), serve.errors());
			assertEquals(List.of(), Product.errorEntries(ws));
		}
	}

	@Test
	void aKeyStoredWithServeKeyIsAskedOfEveryClientAndNeverShown() throws Exception {
		Path ws = workspace("serve-key");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run stored = Product.runWithInput(env, "sk-stored-4711\n", "serve", "key");
		assertEquals(0, stored.exitCode(), stored.all());
		assertFalse(stored.all().contains("sk-stored-4711"), stored.all());
		assertFalse(new String(Files.readAllBytes(ws.resolve("secure-storage")), StandardCharsets.ISO_8859_1).contains("sk-stored-4711"), "stored encrypted");
		try (Served serve = Served.start(ws); HttpClient http = HttpClient.newHttpClient()) {
			assertTrue(serve.listening().contains("clients send the key stored with 'atelier serve key'"), serve.listening());
			assertFalse(serve.listening().contains("sk-stored-4711"), serve.listening());
			HttpRequest.Builder models = HttpRequest.newBuilder(serve.address().resolve("/v1/models"));
			assertEquals(401, http.send(models.build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "no key, no answer");
			assertEquals(200, http.send(models.header("Authorization", "Bearer sk-stored-4711").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
		}
		Product.Run removed = Product.run(env, "serve", "key", "--remove");
		assertTrue(removed.exitCode() == 0 && removed.err().contains("removed the server's key"), removed.all());
		Product.Run empty = Product.runWithInput(env, "\n", "serve", "key");
		assertEquals(2, empty.exitCode(), empty.all());
		assertTrue(empty.err().contains("no key on standard input"), empty.all());
	}

	@Test
	void killingTheLauncherOutrightEndsTheServerItStarted() throws Exception {
		Path ws = workspace("serve-killed");
		try (Served serve = Served.start(ws)) {
			List<ProcessHandle> jvms = serve.process().descendants().filter(p -> p.info().command().orElse("").endsWith("java")).toList();
			assertEquals(1, jvms.size(), "the launcher runs one JVM: " + jvms);
			serve.process().destroyForcibly(); // SIGKILL: the launcher cannot pass it on
			serve.process().waitFor();
			// a hang guard, not a timing: the JVM ends within moments of noticing
			ProcessHandle jvm = jvms.get(0);
			jvm.onExit().get(2, TimeUnit.MINUTES);
			assertTrue(!jvm.isAlive(), "the server's JVM outlived its launcher");
			assertTrue(serve.errors().contains("atelier: the launcher was killed; stopping"), serve.errors());
		}
	}

	@Test
	void theOfficialOpenAiAndOllamaClientsChatStreamCompleteDrawListAndUnload() throws Exception {
		assumeTrue(onPath("node"), "no node on PATH: the openai and ollama npm clients cannot run here");
		Process install = new ProcessBuilder(CLIENTS.resolve("install.sh").toString()).redirectErrorStream(true).start();
		String installed = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertEquals(0, install.waitFor(), "releng/serve-clients/install.sh: " + installed);
		Path ws = workspace("serve-clients");
		try (Served serve = Served.start(ws)) {
			Process drive = new ProcessBuilder("node", "drive.mjs", serve.address().toString(), "tiny", "tiny-sd").directory(CLIENTS.toFile())
					.redirectErrorStream(true).start();
			String printed = new String(drive.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertEquals(0, drive.waitFor(), printed + serve.errors());
			JsonObject out = JsonParser.parseString(printed.lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();

			assertEquals(List.of("tiny"), strings(out.getAsJsonArray("openaiModels")));
			JsonObject whole = out.getAsJsonObject("chatWhole");
			JsonObject streamed = out.getAsJsonObject("chatStreamed");
			List<String> pieces = strings(streamed.getAsJsonArray("pieces"));
			assertTrue(pieces.size() > 1, "streamed piece by piece: " + pieces);
			assertEquals(whole.get("text").getAsString(), String.join("", pieces), "the streamed answer is the whole one, in pieces");
			assertEquals(whole.get("finish").getAsString(), streamed.get("finish").getAsString());
			assertTrue(whole.getAsJsonObject("usage").get("completion_tokens").getAsInt() > 0);
			assertTrue(out.getAsJsonObject("completion").getAsJsonObject("usage").get("prompt_tokens").getAsInt() > 0);
			assertEquals("PNG", out.getAsJsonObject("image").get("png").getAsString());
			assertTrue(out.getAsJsonObject("image").get("parameters").getAsBoolean());
			assertEquals(404, out.getAsJsonObject("missingModel").get("status").getAsInt());

			assertEquals(List.of("tiny:latest"), strings(out.getAsJsonArray("ollamaTags")));
			assertTrue(out.getAsJsonArray("ollamaChat").size() > 1, "Ollama's chat streamed: " + out.get("ollamaChat"));
			assertTrue(out.getAsJsonArray("ollamaChat").size() <= out.getAsJsonObject("ollamaDone").get("evalCount").getAsInt(),
					"at most a line per token (a token may end no character)");
			assertNotEquals("", out.get("ollamaGenerate").getAsString());
			assertEquals(List.of("tiny:latest"), strings(out.getAsJsonArray("loadedBefore")));
			assertEquals("unload", out.get("unload").getAsString());
			assertEquals(List.of(), strings(out.getAsJsonArray("loadedAfter")), "keep_alive 0 unloaded it");
		}
	}

	private static List<String> strings(JsonArray array) {
		List<String> list = new ArrayList<>();
		for (JsonElement e : array) {
			list.add(e.getAsString());
		}
		return list;
	}

	private static boolean onPath(String command) {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
	}
}
