package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The OpenAI-compatible endpoints over the tiny model: every field the issue lists, streamed and whole, and the errors. */
class OpenAiApiTest extends ServedWorkspace {

	private static String chat(String extra) {
		return "{\"model\":\"tiny\",\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hello\"}]" + extra + "}";
	}

	private static JsonObject choice(JsonObject body) {
		return body.getAsJsonArray("choices").get(0).getAsJsonObject();
	}

	/** The data of each server-sent event, in order. */
	private static List<String> events(String body) {
		List<String> data = new ArrayList<>();
		for (String event : body.split("\n\n")) {
			assertTrue(event.startsWith("data: "), "an event is one data line: " + event);
			data.add(event.substring("data: ".length()));
		}
		return data;
	}

	@Test
	void modelsListsTheGgufFilesOfTheModelsFolderByTheirNameWithoutExtension() throws Exception {
		TestServer.Reply reply = server.get("/v1/models");
		assertEquals(200, reply.status());
		assertEquals("application/json; charset=utf-8", reply.response().headers().firstValue("Content-Type").orElseThrow());
		JsonObject list = reply.json();
		assertEquals("list", list.get("object").getAsString());
		JsonArray data = list.getAsJsonArray("data");
		assertEquals(1, data.size());
		JsonObject model = data.get(0).getAsJsonObject();
		assertEquals("tiny", model.get("id").getAsString());
		assertEquals("model", model.get("object").getAsString());
		assertEquals("atelier", model.get("owned_by").getAsString());
		assertEquals(Files.getLastModifiedTime(dir.resolve("models/llm/tiny.gguf")).toInstant().getEpochSecond(), model.get("created").getAsLong());
		assertEquals(model, server.get("/v1/models/tiny").json(), "one model by its id");
	}

	@Test
	void aChatCompletionAnswersWithTheAssistantsMessageItsFinishReasonAndTheTokensItUsed() throws Exception {
		TestServer.Reply reply = server.post("/v1/chat/completions", chat(",\"max_tokens\":8,\"temperature\":0"));
		assertEquals(200, reply.status(), reply.body());
		JsonObject body = reply.json();
		assertTrue(body.get("id").getAsString().startsWith("chatcmpl-"));
		assertEquals("chat.completion", body.get("object").getAsString());
		assertEquals("tiny", body.get("model").getAsString());
		assertTrue(body.get("created").getAsLong() > 0);
		JsonObject choice = choice(body);
		assertEquals(0, choice.get("index").getAsInt());
		assertEquals("assistant", choice.getAsJsonObject("message").get("role").getAsString());
		JsonObject usage = body.getAsJsonObject("usage");
		int completion = usage.get("completion_tokens").getAsInt();
		assertTrue(completion >= 1 && completion <= 8, usage.toString());
		assertEquals(completion == 8 ? "length" : "stop", choice.get("finish_reason").getAsString());
		assertTrue(usage.get("prompt_tokens").getAsInt() > 2, "the conversation in the chat format: " + usage);
		assertEquals(usage.get("prompt_tokens").getAsInt() + completion, usage.get("total_tokens").getAsInt());
	}

	@Test
	void aStreamedChatSendsTheRoleFirstThenTheTextThenTheFinishReasonThenTheUsageThenDone() throws Exception {
		String whole = choice(server.post("/v1/chat/completions", chat(",\"max_tokens\":8,\"temperature\":0")).json()).getAsJsonObject("message")
				.get("content").getAsString();
		TestServer.Reply reply = server.post("/v1/chat/completions",
				chat(",\"max_tokens\":8,\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
		assertEquals(200, reply.status(), reply.body());
		assertEquals("text/event-stream; charset=utf-8", reply.response().headers().firstValue("Content-Type").orElseThrow());
		List<String> events = events(reply.body());
		assertEquals("[DONE]", events.getLast());
		List<JsonObject> chunks = events.subList(0, events.size() - 1).stream().map(e -> JsonParser.parseString(e).getAsJsonObject()).toList();
		String id = chunks.get(0).get("id").getAsString();
		assertTrue(chunks.stream().allMatch(c -> c.get("id").getAsString().equals(id) && c.get("object").getAsString().equals("chat.completion.chunk")),
				"every chunk is of one answer");
		assertEquals("assistant", choice(chunks.get(0)).getAsJsonObject("delta").get("role").getAsString(), "the role comes first");
		JsonObject usageChunk = chunks.getLast();
		assertEquals(0, usageChunk.getAsJsonArray("choices").size(), "the usage comes last, without choices");
		JsonObject finish = chunks.get(chunks.size() - 2);
		assertFalse(choice(finish).get("finish_reason").isJsonNull(), "the finish reason comes after the text");
		StringBuilder text = new StringBuilder();
		for (JsonObject chunk : chunks.subList(1, chunks.size() - 2)) {
			assertTrue(choice(chunk).get("finish_reason").isJsonNull());
			text.append(choice(chunk).getAsJsonObject("delta").get("content").getAsString());
		}
		assertEquals(whole, text.toString(), "the stream's pieces make the whole answer");
		int completion = usageChunk.getAsJsonObject("usage").get("completion_tokens").getAsInt();
		assertEquals(completion == 8 ? "length" : "stop", choice(finish).get("finish_reason").getAsString());
	}

	@Test
	void theSameSeedDrawsTheSameAnswerAtTemperatureOne() throws Exception {
		String request = chat(",\"max_tokens\":12,\"temperature\":1,\"top_p\":0.9,\"seed\":7");
		assertEquals(choice(server.post("/v1/chat/completions", request).json()), choice(server.post("/v1/chat/completions", request).json()));
	}

	@Test
	void aStopStringEndsTheAnswerJustBeforeIt() throws Exception {
		String whole = choice(server.post("/v1/chat/completions", chat(",\"max_tokens\":24,\"temperature\":0")).json()).getAsJsonObject("message")
				.get("content").getAsString();
		assertTrue(whole.length() >= 6, "the greedy answer is long enough to cut: '" + whole + "'");
		String stop = whole.substring(3, 5);
		String expected = whole.substring(0, whole.indexOf(stop));
		for (String stream : List.of("false", "true")) {
			TestServer.Reply reply = server.post("/v1/chat/completions",
					chat(",\"max_tokens\":24,\"temperature\":0,\"stream\":" + stream + ",\"stop\":[\"\\u0000never\"," + new com.google.gson.JsonPrimitive(stop) + "]"));
			String text;
			String reason;
			if (stream.equals("false")) {
				text = choice(reply.json()).getAsJsonObject("message").get("content").getAsString();
				reason = choice(reply.json()).get("finish_reason").getAsString();
			} else {
				StringBuilder pieces = new StringBuilder();
				reason = null;
				for (String event : events(reply.body())) {
					if (!event.equals("[DONE]")) {
						JsonObject c = choice(JsonParser.parseString(event).getAsJsonObject());
						JsonElement content = c.getAsJsonObject("delta").get("content");
						pieces.append(content == null ? "" : content.getAsString());
						reason = c.get("finish_reason").isJsonNull() ? reason : c.get("finish_reason").getAsString();
					}
				}
				text = pieces.toString();
			}
			assertEquals(expected, text, "stream " + stream);
			assertEquals("stop", reason);
		}
	}

	@Test
	void aTextCompletionContinuesThePromptWithoutTheChatFormatWholeOrStreamed() throws Exception {
		TestServer.Reply reply = server.post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":\"hello\",\"max_tokens\":5,\"temperature\":0}");
		assertEquals(200, reply.status(), reply.body());
		JsonObject body = reply.json();
		assertTrue(body.get("id").getAsString().startsWith("cmpl-"));
		assertEquals("text_completion", body.get("object").getAsString());
		assertEquals(2, body.getAsJsonObject("usage").get("prompt_tokens").getAsInt(), "BOS and 'hello', nothing of a chat format");
		String text = choice(body).get("text").getAsString();

		TestServer.Reply streamed = server.post("/v1/completions", "{\"model\":\"tiny\",\"prompt\":[\"hello\"],\"max_tokens\":5,\"temperature\":0,\"stream\":true}");
		List<String> events = events(streamed.body());
		assertEquals("[DONE]", events.getLast());
		StringBuilder pieces = new StringBuilder();
		for (String event : events.subList(0, events.size() - 1)) {
			JsonObject chunk = JsonParser.parseString(event).getAsJsonObject();
			assertEquals("text_completion", chunk.get("object").getAsString());
			pieces.append(choice(chunk).get("text").getAsString());
		}
		assertEquals(text, pieces.toString());
		assertEquals(choice(body).get("finish_reason"), choice(JsonParser.parseString(events.get(events.size() - 2)).getAsJsonObject()).get("finish_reason"));
	}

	@Test
	void errorsComeInOpenAisErrorObjectNamingTheField() throws Exception {
		record Case(String path, String body, int status, String type, String param, String code) {
		}
		for (Case c : List.of(new Case("/v1/chat/completions", "{\"model\":\"absent\",\"messages\":[]}", 404, "not_found_error", "model", "model_not_found"),
				new Case("/v1/chat/completions", "{\"model\":\"tiny\"}", 400, "invalid_request_error", "messages", null),
				new Case("/v1/chat/completions", chat(",\"temperature\":3"), 400, "invalid_request_error", "temperature", null),
				new Case("/v1/chat/completions", chat(",\"n\":2"), 400, "invalid_request_error", "n", null),
				new Case("/v1/chat/completions", "{\"model\":\"tiny\",\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}", 400, "invalid_request_error",
						"messages[0].role", null),
				new Case("/v1/completions", "{\"model\":\"tiny\",\"prompt\":7}", 400, "invalid_request_error", "prompt", null),
				new Case("/v1/completions", "not json", 400, "invalid_request_error", null, null))) {
			TestServer.Reply reply = server.post(c.path(), c.body());
			assertEquals(c.status(), reply.status(), c + ": " + reply.body());
			JsonObject error = reply.json().getAsJsonObject("error");
			assertFalse(error.get("message").getAsString().isBlank());
			assertEquals(c.type(), error.get("type").getAsString(), c.toString());
			assertEquals(c.param(), error.get("param").isJsonNull() ? null : error.get("param").getAsString(), c.toString());
			assertEquals(c.code(), error.get("code").isJsonNull() ? null : error.get("code").getAsString(), c.toString());
		}
		assertEquals(404, server.get("/v1/nothing").status());
	}
}
