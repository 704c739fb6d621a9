package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** {@code atelier serve} in the product: Jetty and the LLM under the product's own runtime, and SIGTERM ending it. */
class ServeIT {

	private static final Path ROOT = Path.of(System.getProperty("atelier.root", "../.."));

	@Test
	void serveAnswersOnLoopbackAndSigtermStopsIt() throws Exception {
		Path ws = Product.newWorkspace("serve");
		Path model = ws.resolve("models/llm/tiny.gguf");
		Files.createDirectories(model.getParent());
		Product.Run synth = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "llm", "synth", "--shape", "tiny", "--type", "q8_0", "--vocab",
				ROOT.resolve("bundles/dev.atelier.server.tests/fixture/tiny-vocab.gguf").toAbsolutePath().toString(), "--out", model.toString());
		assertEquals(0, synth.exitCode(), synth.all());

		ProcessBuilder builder = new ProcessBuilder(List.of(Product.home().resolve("atelier").toString(), "serve", "--port", "0", "--device", "cpu"));
		builder.environment().remove("JAVA_HOME");
		builder.environment().put("ATELIER_WORKSPACE", ws.toString());
		Path err = Files.createTempFile("atelier-serve-err", ".txt");
		builder.redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
		Process serve = builder.start();
		try (BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
				HttpClient http = HttpClient.newHttpClient()) {
			String listening = out.readLine();
			assertTrue(listening != null && listening.startsWith("atelier serve: listening on http://127.0.0.1:"), listening + Files.readString(err));
			URI address = URI.create(listening.split(" ")[4]);
			HttpResponse<String> models = http.send(HttpRequest.newBuilder(address.resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
			assertEquals(200, models.statusCode(), models.body());
			assertTrue(models.body().contains("\"id\":\"tiny\""), models.body());
			HttpResponse<String> answer = http.send(HttpRequest.newBuilder(address.resolve("/api/generate")).POST(HttpRequest.BodyPublishers.ofString(
					"{\"model\":\"tiny\",\"prompt\":\"hello\",\"raw\":true,\"stream\":false,\"options\":{\"num_predict\":2,\"temperature\":0}}")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertEquals(200, answer.statusCode(), answer.body() + Files.readString(err));
			assertTrue(answer.body().contains("\"done\":true"), answer.body());

			serve.destroy(); // SIGTERM
			int exit = serve.waitFor();
			assertTrue(Set.of(0, 143).contains(exit), "ended by SIGTERM, not killed: " + exit + "\n" + Files.readString(err));
			assertTrue(Files.readString(err).contains("atelier serve: stopping"), Files.readString(err));
			assertEquals(List.of(), Product.errorEntries(ws));
		} finally {
			serve.destroyForcibly();
			Files.delete(err);
		}
	}
}
