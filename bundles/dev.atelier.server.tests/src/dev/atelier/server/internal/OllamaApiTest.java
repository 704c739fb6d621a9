package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The Ollama-compatible endpoints over the tiny model: lists, chat and generate as NDJSON or whole, show, keep_alive. */
class OllamaApiTest extends ServedWorkspace {

	private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]";

	private static List<JsonObject> lines(TestServer.Reply reply) {
		assertEquals("application/x-ndjson; charset=utf-8", reply.response().headers().firstValue("Content-Type").orElseThrow());
		return reply.body().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
	}

	private static JsonArray running() throws Exception {
		return server.get("/api/ps").json().getAsJsonArray("models");
	}

	@Test
	void versionIsAteliersOwn() throws Exception {
		assertEquals(TestServer.VERSION, server.get("/api/version").json().get("version").getAsString());
	}

	@Test
	void tagsListsEachModelWithItsSizeTimeDigestAndDetails() throws Exception {
		JsonArray models = server.get("/api/tags").json().getAsJsonArray("models");
		assertEquals(1, models.size());
		JsonObject tiny = models.get(0).getAsJsonObject();
		Path file = dir.resolve("models/llm/tiny.gguf");
		assertEquals("tiny:latest", tiny.get("name").getAsString());
		assertEquals("tiny:latest", tiny.get("model").getAsString());
		assertEquals(Files.size(file), tiny.get("size").getAsLong());
		assertEquals(Files.getLastModifiedTime(file).toInstant().getEpochSecond(),
				OffsetDateTime.parse(tiny.get("modified_at").getAsString()).toInstant().getEpochSecond());
		assertTrue(tiny.get("digest").getAsString().matches("[0-9a-f]{64}"));
		JsonObject details = tiny.getAsJsonObject("details");
		assertEquals("gguf", details.get("format").getAsString());
		assertEquals("llama", details.get("family").getAsString());
		assertEquals("Q8_0", details.get("quantization_level").getAsString());
		assertTrue(details.get("parameter_size").getAsString().matches("\\d+\\.\\d+[KMB]"), details.toString());
	}

	@Test
	void showNamesTheChatFormatOfAModelWithoutATemplateAndItsInfo() throws Exception {
		JsonObject show = server.post("/api/show", "{\"model\":\"tiny:latest\"}").json();
		assertEquals("", show.get("template").getAsString());
		assertTrue(show.get("modelfile").getAsString().startsWith("# chat format: chatml (the default: the model has no chat template)\nFROM tiny.gguf"),
				show.get("modelfile").getAsString());
		JsonObject info = show.getAsJsonObject("model_info");
		assertEquals("llama", info.get("general.architecture").getAsString());
		assertEquals(256, info.get("llama.context_length").getAsInt());
		assertTrue(info.get("general.parameter_count").getAsLong() > 0);
		assertEquals("gguf", show.getAsJsonObject("details").get("format").getAsString());
		assertEquals(show, server.post("/api/show", "{\"name\":\"tiny\"}").json(), "the older 'name' field and a name without its tag");
	}

	@Test
	void aChatAnswersWholeWithItsCountsAndDurations() throws Exception {
		TestServer.Reply reply = server.post("/api/chat", "{\"model\":\"tiny\"," + HELLO + ",\"stream\":false,\"options\":{\"temperature\":0,\"num_predict\":6}}");
		assertEquals(200, reply.status(), reply.body());
		JsonObject done = reply.json();
		assertEquals("tiny:latest", done.get("model").getAsString());
		assertTrue(done.get("done").getAsBoolean());
		assertEquals("assistant", done.getAsJsonObject("message").get("role").getAsString());
		int eval = done.get("eval_count").getAsInt();
		assertTrue(eval >= 1 && eval <= 6, done.toString());
		assertEquals(eval == 6 ? "length" : "stop", done.get("done_reason").getAsString());
		assertTrue(done.get("prompt_eval_count").getAsInt() > 2, done.toString());
		assertTrue(done.get("total_duration").getAsLong() >= done.get("load_duration").getAsLong());
		OffsetDateTime.parse(done.get("created_at").getAsString());
	}

	@Test
	void aStreamedChatIsOneJsonLinePerPieceThenTheDoneLine() throws Exception {
		String options = ",\"options\":{\"temperature\":0,\"num_predict\":6}}";
		String whole = server.post("/api/chat", "{\"model\":\"tiny\"," + HELLO + ",\"stream\":false" + options).json().getAsJsonObject("message")
				.get("content").getAsString();
		List<JsonObject> lines = lines(server.post("/api/chat", "{\"model\":\"tiny\"," + HELLO + options));
		JsonObject done = lines.getLast();
		assertTrue(done.get("done").getAsBoolean());
		assertEquals("", done.getAsJsonObject("message").get("content").getAsString());
		StringBuilder text = new StringBuilder();
		for (JsonObject line : lines.subList(0, lines.size() - 1)) {
			assertFalse(line.get("done").getAsBoolean());
			text.append(line.getAsJsonObject("message").get("content").getAsString());
		}
		assertEquals(whole, text.toString());
		assertTrue(done.has("eval_count") && done.has("done_reason"), done.toString());
	}

	@Test
	void generateWrapsThePromptInTheChatFormatUnlessRaw() throws Exception {
		String options = ",\"stream\":false,\"options\":{\"temperature\":0,\"num_predict\":4}}";
		JsonObject raw = server.post("/api/generate", "{\"model\":\"tiny\",\"prompt\":\"hello\",\"raw\":true" + options).json();
		assertEquals(2, raw.get("prompt_eval_count").getAsInt(), "BOS and 'hello'");
		assertTrue(raw.has("response"));
		JsonObject templated = server.post("/api/generate", "{\"model\":\"tiny\",\"prompt\":\"hello\",\"system\":\"be brief\"" + options).json();
		assertTrue(templated.get("prompt_eval_count").getAsInt() > 2 + "be brief".length() / 4, templated.toString());
		List<JsonObject> lines = lines(server.post("/api/generate", "{\"model\":\"tiny\",\"prompt\":\"hello\",\"raw\":true,\"options\":{\"temperature\":0,\"num_predict\":4}}"));
		StringBuilder text = new StringBuilder();
		lines.forEach(l -> text.append(l.get("response").getAsString()));
		assertEquals(raw.get("response").getAsString(), text.toString());
	}

	@Test
	void keepAliveSetsWhenTheModelUnloadsAndZeroWithoutAPromptUnloadsItNow() throws Exception {
		Instant before = Instant.now();
		server.post("/api/generate", "{\"model\":\"tiny\",\"prompt\":\"hi\",\"keep_alive\":\"10m\",\"stream\":false,\"options\":{\"num_predict\":1}}");
		Instant after = Instant.now();
		JsonArray ps = running();
		assertEquals(1, ps.size());
		JsonObject tiny = ps.get(0).getAsJsonObject();
		assertEquals("tiny:latest", tiny.get("name").getAsString());
		assertTrue(tiny.get("size").getAsLong() > 0);
		assertEquals(0, tiny.get("size_vram").getAsLong(), "on the CPU, nothing is in VRAM");
		Instant expires = OffsetDateTime.parse(tiny.get("expires_at").getAsString()).toInstant();
		assertFalse(expires.isBefore(before.plus(Duration.ofMinutes(10)).minusSeconds(1)) || expires.isAfter(after.plus(Duration.ofMinutes(10))),
				"expires 10 minutes after the request: " + expires);

		JsonObject unloaded = server.post("/api/generate", "{\"model\":\"tiny\",\"keep_alive\":0}").json();
		assertTrue(unloaded.get("done").getAsBoolean());
		assertEquals("unload", unloaded.get("done_reason").getAsString());
		assertEquals(0, running().size(), "keep_alive 0 unloads at once");

		JsonObject loaded = server.post("/api/chat", "{\"model\":\"tiny\",\"messages\":[],\"keep_alive\":-1}").json();
		assertEquals("load", loaded.get("done_reason").getAsString());
		assertEquals(1, running().size(), "a request without messages loads the model");
		assertTrue(running().get(0).getAsJsonObject().get("expires_at").getAsString().startsWith("9999-"), "a negative keep_alive keeps it");
		server.post("/api/chat", "{\"model\":\"tiny\",\"messages\":[],\"keep_alive\":\"0s\"}");
		assertEquals(0, running().size());
	}

	@Test
	void aBadKeepAliveOrUnknownModelIsAnOllamaErrorNamingIt() throws Exception {
		TestServer.Reply bad = server.post("/api/chat", "{\"model\":\"tiny\"," + HELLO + ",\"keep_alive\":\"soon\"}");
		assertEquals(400, bad.status());
		assertTrue(bad.json().get("error").getAsString().startsWith("'keep_alive' is 'soon'"), bad.body());
		TestServer.Reply missing = server.post("/api/generate", "{\"model\":\"absent\",\"prompt\":\"hi\"}");
		assertEquals(404, missing.status());
		assertEquals("model 'absent' not found in " + dir.resolve("models/llm"), missing.json().get("error").getAsString());
		assertEquals(400, server.post("/api/chat", "{\"model\":\"tiny\"," + HELLO + ",\"format\":\"json\"}").status(), "structured output is not built yet");
	}
}
