package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.Cli;
import dev.atelier.server.Limits;

/** Safe by default: loopback only without a key, the key checked, no CORS unless asked, every limit, no way out of the models folder. */
class SafetyTest {

	@TempDir
	static Path dir;

	@BeforeAll
	static void workspace() throws Exception {
		TestServer.workspace(dir);
		Files.writeString(dir.resolve("secret.gguf"), "not for clients");
		Files.writeString(dir.resolve("models/secret.gguf"), "not for clients either");
	}

	private static final String HELLO = "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":2}";

	@Test
	void aHostOffLoopbackWithoutAnApiKeyIsRefusedNamingApiKeyBeforeAnythingOpens() throws Exception {
		for (String host : List.of("0.0.0.0", "192.0.2.7", "::")) {
			TestServer.Run run = TestServer.atelier(dir.resolve("never"), "serve", "serve", "--host", host, "--port", "0");
			assertEquals(2, run.exit(), run.err());
			assertTrue(run.err().contains("--host " + host + " is not a loopback address, so other machines could reach the server: it needs an API key (--api-key KEY"),
					run.err());
			assertEquals("", run.out(), "nothing was served");
		}
		assertFalse(Files.exists(dir.resolve("never")), "the workspace was not touched");
	}

	@Test
	void serveListensOnLoopbackPrintsItsAddressAndStopsWhenInterrupted() throws Exception {
		Served served = serve(dir, "/api/version");
		assertTrue(served.listening().startsWith("atelier serve: listening on http://127.0.0.1:"), served.listening());
		assertTrue(served.listening().contains("models from " + dir.resolve("models")), served.listening());
		assertEquals(200, served.status());
		assertEquals(0, served.exit());
		assertTrue(served.printed().endsWith("atelier serve: stopped\n"), served.printed());
	}

	@Test
	void serveTakesItsModelsFromTheFolderTheWorkspacesPreferenceNames() throws Exception {
		Path workspace = Files.createDirectories(dir.resolve("chosen-folder-workspace"));
		Path models = dir.resolve("elsewhere/my models");
		Files.createDirectories(models.resolve("llm"));
		Files.copy(dir.resolve("models/llm/tiny.gguf"), models.resolve("llm/other.gguf"));
		Files.writeString(workspace.resolve("preferences.properties"), "models.folder=" + models + "\n");
		Served served = serve(workspace, "/v1/models");
		assertTrue(served.listening().contains("models from " + models), served.listening());
		assertEquals(200, served.status());
		assertEquals(List.of("other"), JsonParser.parseString(served.body()).getAsJsonObject().getAsJsonArray("data").asList().stream()
				.map(m -> m.getAsJsonObject().get("id").getAsString()).toList(), "the chosen folder's models, not the workspace's tiny");
	}

	/** What {@code atelier serve} printed, answered to one GET and returned once interrupted. */
	private record Served(String listening, int status, String body, int exit, String printed) {
	}

	/** Runs {@code atelier serve --port 0 --device cpu} on the workspace, asks it GET {@code path}, then stops it. */
	private static Served serve(Path workspace, String path) throws Exception {
		CompletableFuture<String> line = new CompletableFuture<>();
		StringBuilder printed = new StringBuilder();
		PrintStream out = new PrintStream(new OutputStream() {
			@Override
			public synchronized void write(int b) {
				printed.append((char) b);
				if (b == '\n' && !line.isDone()) {
					line.complete(printed.toString());
				}
			}
		}, true, StandardCharsets.UTF_8);
		ServeCommand serve = TestServer.subcommand(ServeCommand.class);
		int[] exit = new int[1];
		Thread thread = new Thread(() -> {
			exit[0] = Cli.run(List.of(serve), TestServer.context(workspace, out, System.err), List.of("serve", "--port", "0", "--device", "cpu"));
			line.completeExceptionally(new AssertionError("serve ended with " + exit[0] + " before it listened: " + printed));
		});
		thread.start();
		String listening = line.get();
		HttpResponse<String> answer;
		try (HttpClient client = HttpClient.newHttpClient()) {
			answer = client.send(HttpRequest.newBuilder(URI.create(listening.split(" ")[4]).resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
		} finally {
			thread.interrupt();
			thread.join();
		}
		return new Served(listening, answer.statusCode(), answer.body(), exit[0], printed.toString());
	}

	@Test
	void withAnApiKeyEveryRequestNeedsItAsABearerToken() throws Exception {
		try (TestServer server = TestServer.start(dir, "s3cret", null, Limits.DEFAULT)) {
			TestServer.Reply none = server.get("/v1/models");
			assertEquals(401, none.status());
			assertEquals("Bearer", none.response().headers().firstValue("WWW-Authenticate").orElseThrow());
			assertEquals("invalid_api_key", none.json().getAsJsonObject("error").get("code").getAsString());
			assertEquals(401, server.get("/api/tags", "Authorization", "Bearer wrong").status());
			assertFalse(server.get("/api/tags", "Authorization", "Bearer wrong").body().contains("s3cret"), "the key is never told");
			assertEquals(200, server.get("/v1/models", "Authorization", "Bearer s3cret").status());
			assertEquals(200, server.get("/api/tags", "Authorization", "bearer s3cret").status());
		}
	}

	@Test
	void corsHeadersAreSentOnlyForTheOriginGiven() throws Exception {
		try (TestServer server = TestServer.start(dir, null, null, Limits.DEFAULT)) {
			TestServer.Reply reply = server.get("/v1/models", "Origin", "http://example.test");
			assertTrue(reply.response().headers().firstValue("Access-Control-Allow-Origin").isEmpty());
		}
		try (TestServer server = TestServer.start(dir, null, "http://app.test", Limits.DEFAULT)) {
			assertEquals("http://app.test", server.get("/v1/models", "Origin", "http://app.test").response().headers()
					.firstValue("Access-Control-Allow-Origin").orElseThrow());
			TestServer.Reply preflight = server.send(HttpRequest.newBuilder(server.address.resolve("/v1/chat/completions"))
					.method("OPTIONS", HttpRequest.BodyPublishers.noBody()), "Origin", "http://app.test", "Access-Control-Request-Method", "POST");
			assertEquals(204, preflight.status());
			assertEquals("Authorization, Content-Type", preflight.response().headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
		}
	}

	@Test
	void aRequestTheServerCannotParseIsAnsweredInJsonWithItsStatusAndNoCause() throws Exception {
		try (TestServer server = TestServer.start(dir, null, null, new Limits(1000, 500, 8, 4)); Socket socket = new Socket(server.address.getHost(),
				server.address.getPort())) {
			socket.setSoTimeout(60_000); // a server that never answers fails the test instead of hanging it
			socket.getOutputStream().write("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nA header without its colon\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
			assertTrue(answer.contains("Content-Type: application/json"), answer);
			assertTrue(answer.endsWith("\r\n\r\n{\"error\":\"400 Bad Request\"}"), answer);
		}
	}

	@Test
	void aBodyOverTheLimitIs413() throws Exception {
		try (TestServer server = TestServer.start(dir, null, null, new Limits(1000, 500, 8, 4))) {
			TestServer.Reply reply = server.post("/v1/chat/completions", HELLO.replace("hello", "x".repeat(1200)));
			assertEquals(413, reply.status());
			assertTrue(reply.json().getAsJsonObject("error").get("message").getAsString().endsWith("the limit is 1000 bytes (--max-body)"), reply.body());
			assertEquals(413, server.post("/api/chat", HELLO.replace("hello", "x".repeat(1200))).status());
		}
	}

	@Test
	void aPromptOverTheCharacterLimitAndMaxTokensOverTheLimitAre400NamingTheLimit() throws Exception {
		try (TestServer server = TestServer.start(dir, null, null, new Limits(100_000, 500, 8, 4))) {
			TestServer.Reply prompt = server.post("/v1/chat/completions", HELLO.replace("hello", "x".repeat(501)));
			assertEquals(400, prompt.status());
			assertEquals("'messages' has 501 characters; this server takes at most 500 (--max-prompt-chars)",
					prompt.json().getAsJsonObject("error").get("message").getAsString());
			TestServer.Reply raw = server.post("/api/generate", "{\"model\":\"tiny\",\"raw\":true,\"prompt\":\"" + "x".repeat(501) + "\"}");
			assertEquals(400, raw.status());
			assertTrue(raw.json().get("error").getAsString().contains("(--max-prompt-chars)"), raw.body());
			TestServer.Reply tokens = server.post("/v1/chat/completions", HELLO.replace("\"max_tokens\":2", "\"max_tokens\":9"));
			assertEquals(400, tokens.status());
			assertEquals("'max_tokens' is 9; this server generates at most 8 tokens per answer (--max-tokens)",
					tokens.json().getAsJsonObject("error").get("message").getAsString());
			assertEquals(400, server.post("/api/chat", "{\"model\":\"tiny\",\"messages\":[],\"options\":{\"num_predict\":9}}").status());
		}
	}

	@Test
	void aRequestBeyondTheQueueIs429() throws Exception {
		try (TestServer server = TestServer.start(dir, null, null, new Limits(100_000, 500, 8, 0).withParallel(1))) {
			CountDownLatch answering = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			List<Thread> busy = server.occupy(1, answering, release);
			answering.await();
			TestServer.Reply reply = server.post("/v1/chat/completions", HELLO);
			release.countDown();
			busy.getFirst().join();
			assertEquals(429, reply.status());
			assertEquals("rate_limit_error", reply.json().getAsJsonObject("error").get("type").getAsString());
			assertEquals(200, server.post("/v1/chat/completions", HELLO).status(), "once the model is free, it answers");
		}
	}

	@Test
	void noModelNameReachesAFileOutsideTheModelsFolder() throws Exception {
		try (TestServer server = TestServer.start(dir, null, null, Limits.DEFAULT)) {
			for (String name : List.of("../secret", "../../secret", "..", "/etc/passwd", "secret", "models/secret", "tiny/../../secret", "tiny\u0000",
					"%2e%2e%2fsecret", "..\\\\secret")) {
				String json = new com.google.gson.JsonPrimitive(name).toString();
				for (String path : List.of("/v1/chat/completions", "/api/generate", "/api/show")) {
					TestServer.Reply reply = server.post(path, "{\"model\":" + json + ",\"prompt\":\"hi\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
					assertTrue(reply.status() == 400 || reply.status() == 404, name + " at " + path + ": " + reply.status() + " " + reply.body());
					assertFalse(reply.body().contains("not for clients"));
				}
			}
			for (String path : List.of("/v1/models/..%2Fsecret", "/v1/models/../../secret", "/v1/models/%2e%2e/secret")) {
				int status = server.get(path).status();
				assertTrue(status == 400 || status == 404, path + ": " + status);
			}
		}
	}
}
