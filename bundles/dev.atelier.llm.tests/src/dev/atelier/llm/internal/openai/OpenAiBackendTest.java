package dev.atelier.llm.internal.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;

/** The OpenAI-compatible backend against a local server that speaks the real wire format, faults included. */
class OpenAiBackendTest {

	private static final String ANSWER = """
			data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

			: keep-alive

			data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello, "}}]}

			data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"wörld! "}}]}

			data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"你好"}}]}

			data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

			data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5}}

			data: [DONE]

			""".replace("\n", "\r\n");

	private static OpenAiBackend backend(ScriptedServer server, String key, Duration readTimeout) {
		return backend(server, key, readTimeout, Duration.ofMinutes(1));
	}

	private static OpenAiBackend backend(ScriptedServer server, String key, Duration readTimeout, Duration answerTimeout) {
		return new OpenAiBackend(new OpenAiBackend.Settings(URI.create(server.baseUrl()), "tiny", key, Duration.ofSeconds(2), readTimeout, answerTimeout, 2),
				10);
	}

	private static final String PIECE = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"la \"}}]}\r\n\r\n";

	private static String chat(OpenAiBackend backend, StringBuilder text) throws ChatException {
		Usage usage = backend.chat(List.of(ChatMessage.user("hi")), Sampling.greedy(), 16, text::append, () -> false);
		return text + "|" + usage.promptTokens() + "/" + usage.generatedTokens();
	}

	@Test
	void streamedChunksCutAtOddPlacesMakeTheWholeAnswer() throws Exception {
		for (int every : new int[] { 1, 7, 13, 4096 }) {
			try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.events(ANSWER, every, 0)))) {
				assertEquals("Hello, wörld! 你好|12/5", chat(backend(server, "sk-secret", Duration.ofSeconds(5)), new StringBuilder()), "cut every " + every);
				String request = server.requests.get(0);
				assertTrue(request.startsWith("POST /v1/chat/completions HTTP/1.1"), request);
				assertTrue(request.contains("Authorization: Bearer sk-secret") || request.contains("authorization: Bearer sk-secret"), request);
				assertTrue(request.contains("\"stream\":true") && request.contains("\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"), request);
			}
		}
	}

	@Test
	void errorBodiesAndGarbageAreReportedWithTheServersMessage() throws Exception {
		try (ScriptedServer server = new ScriptedServer(List.of(
				ScriptedServer.body(404, "application/json", "{\"error\":{\"message\":\"model 'tiny' not found\",\"type\":\"invalid_request_error\"}}"),
				ScriptedServer.events("data: <html>oops</html>\r\n\r\n", 5, 0),
				ScriptedServer.body(200, "application/json", "{\"object\":\"list\",\"data\":[{\"id\":\"llama3.2:1b\"},{\"id\":\"qwen2.5:7b\"}]}"),
				ScriptedServer.body(200, "text/html", "<html>not an API</html>")))) {
			OpenAiBackend backend = backend(server, "sk-secret", Duration.ofSeconds(5));
			assertEquals(server.baseUrl() + "/chat/completions answered HTTP 404: model 'tiny' not found",
					assertThrows(ChatException.class, () -> chat(backend, new StringBuilder())).getMessage());
			assertEquals(server.baseUrl() + "/chat/completions sent an event that is not JSON: <html>oops</html>",
					assertThrows(ChatException.class, () -> chat(backend, new StringBuilder())).getMessage());
			assertEquals(List.of("llama3.2:1b", "qwen2.5:7b"), backend.models());
			ChatException garbage = assertThrows(ChatException.class, backend::models);
			assertEquals(server.baseUrl() + "/models answered something that is not a model list: <html>not an API</html>", garbage.getMessage());
			assertFalse(garbage.getMessage().contains("sk-secret"));
		}
	}

	@Test
	void aDroppedConnectionOrAMissingDoneEndsTheAnswerWithAClearError() throws Exception {
		String two = String.join("", ANSWER.split("\r\n\r\n", -1)[0] + "\r\n\r\n", ANSWER.split("\r\n\r\n", -1)[2] + "\r\n\r\n");
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.drop(two), ScriptedServer.events(two, 11, 0)))) {
			OpenAiBackend backend = backend(server, "", Duration.ofSeconds(5));
			StringBuilder partial = new StringBuilder();
			ChatException dropped = assertThrows(ChatException.class, () -> chat(backend, partial));
			assertTrue(dropped.getMessage().startsWith("the connection to " + server.baseUrl()), dropped.getMessage());
			assertEquals("Hello, ", partial.toString(), "what came before the drop was shown");
			ChatException unfinished = assertThrows(ChatException.class, () -> chat(backend, new StringBuilder()));
			assertEquals("the connection to " + server.baseUrl() + " closed before the answer ended (no [DONE]) after 1 pieces",
					unfinished.getMessage());
		}
	}

	@Test
	void aLineThatNeverEndsIsRefusedAtTheLimitNotHeldWhole() throws Exception {
		String endless = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "x".repeat(SseEvents.MAX_CHARS) + "\"}}]}\r\n\r\n";
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.events(endless, 1 << 16, 0)))) {
			ChatException e = assertThrows(ChatException.class, () -> chat(backend(server, "", Duration.ofSeconds(5)), new StringBuilder()));
			assertEquals(server.baseUrl() + "/chat/completions sent an event stream line or event longer than " + SseEvents.MAX_CHARS
					+ " characters: not a chat answer; it was cut after 0 pieces", e.getMessage());
		}
	}

	@Test
	void anEventOfManyLinesIsBoundedAsOneLineIs() {
		SseEvents events = new SseEvents(10);
		assertThrows(SseEvents.TooLong.class, () -> {
			events.line("data: 12345");
			events.line("data: 67890");
		});
	}

	@Test
	void aStalledServerTimesOutAndADownOneIsRetriedThenNamed() throws Exception {
		CountDownLatch nextChunk = new CountDownLatch(1);
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.stalled(ANSWER, 200, nextChunk)))) {
			// the server holds its next chunk until after the call: only the watchdog can end the call, and it must
			ChatException stalled = assertThrows(ChatException.class, () -> chat(backend(server, "", Duration.ofSeconds(1)), new StringBuilder()));
			nextChunk.countDown();
			assertTrue(stalled.getMessage().startsWith(server.baseUrl() + " sent no event for 1s; the answer was cut after"), stalled.getMessage());
		}
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		OpenAiBackend down = new OpenAiBackend(OpenAiBackend.Settings.of(URI.create("http://127.0.0.1:" + port + "/v1"), "tiny"), 10);
		ChatException refused = assertThrows(ChatException.class, () -> down.chat(List.of(ChatMessage.user("hi")), Sampling.greedy(), 4, t -> {
		}, () -> false));
		assertEquals("cannot connect to http://127.0.0.1:" + port + "/v1: the connection was refused (is the server running?)", refused.getMessage(), "said, not \": null\"");
	}

	@Test
	void aServerErrorBeforeTheAnswerIsRetried() throws Exception {
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.body(503, "text/plain", "loading model"),
				ScriptedServer.events(ANSWER, 64, 0)))) {
			assertEquals("Hello, wörld! 你好|12/5", chat(backend(server, "", Duration.ofSeconds(5)), new StringBuilder()));
			assertEquals(2, server.requests.size());
		}
		assertEquals("Settings[http://x/v1, m, key set]",
				new OpenAiBackend.Settings(URI.create("http://x/v1"), "m", "sk-secret", Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0)
						.toString());
		assertThrows(IllegalArgumentException.class, () -> OpenAiBackend.Settings.of(URI.create("ftp://x"), "m"));
	}

	@Test
	void aServerThatIgnoresMaxTokensIsCutAtMaxTokens() throws Exception {
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.endless(PIECE, 1)))) {
			StringBuilder text = new StringBuilder();
			ChatException e = assertThrows(ChatException.class, () -> chat(backend(server, "", Duration.ofSeconds(5)), text));
			assertEquals(server.baseUrl() + "/chat/completions kept answering past max_tokens (16); the answer was cut there", e.getMessage());
			assertEquals("la ".repeat(16), text.toString(), "the 16 pieces asked for were shown, no more");
		}
	}

	@Test
	void keepAliveCommentsAloneDoNotHoldTheClientPastTheReadTimeout() throws Exception {
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.endless(": ping\r\n\r\n", 50)))) {
			ChatException e = assertThrows(ChatException.class, () -> chat(backend(server, "", Duration.ofSeconds(1)), new StringBuilder()));
			assertEquals(server.baseUrl() + " sent no event for 1s; the answer was cut after 0 pieces", e.getMessage());
		}
	}

	@Test
	void anAnswerStillStreamingAtTheAnswerTimeoutIsCut() throws Exception {
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.endless(PIECE, 20)))) {
			OpenAiBackend backend = backend(server, "", Duration.ofSeconds(5), Duration.ofSeconds(1));
			StringBuilder text = new StringBuilder();
			ChatException e = assertThrows(ChatException.class,
					() -> backend.chat(List.of(ChatMessage.user("hi")), Sampling.greedy(), Integer.MAX_VALUE, text::append, () -> false));
			assertTrue(e.getMessage().startsWith(server.baseUrl() + " was still answering after 1s; the answer was cut after "), e.getMessage());
			assertFalse(text.isEmpty(), "what came before the cut was shown");
		}
	}

	@Test
	void aRefusedKeyIsNamedWithoutTheServersBodyAndAnEchoedKeyIsTakenOut() throws Exception {
		String echo = "{\"error\":{\"message\":\"invalid key sk-secret (Authorization: Bearer sk-secret)\"}}";
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.body(401, "application/json", echo),
				ScriptedServer.body(403, "text/plain", "Bearer sk-secret denied"),
				ScriptedServer.body(400, "application/json", "{\"error\":{\"message\":\"bad request from Bearer sk-secret\"}}")))) {
			OpenAiBackend backend = backend(server, "sk-secret", Duration.ofSeconds(5));
			assertEquals(server.baseUrl() + "/chat/completions answered HTTP 401: the server refused the API key",
					assertThrows(ChatException.class, () -> chat(backend, new StringBuilder())).getMessage());
			assertEquals(server.baseUrl() + "/models answered HTTP 403: the server refused the API key",
					assertThrows(ChatException.class, backend::models).getMessage());
			assertEquals(server.baseUrl() + "/chat/completions answered HTTP 400: bad request from Bearer [the API key]",
					assertThrows(ChatException.class, () -> chat(backend, new StringBuilder())).getMessage(), "an echoed key is taken out");
		}
	}
}
