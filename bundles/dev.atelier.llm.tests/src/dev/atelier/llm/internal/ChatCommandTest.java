package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.llm.internal.cli.ChatCommand;
import dev.atelier.llm.internal.openai.ScriptedServer;

/** {@code atelier chat --url}: the server's timeouts as options, met by a local server that stalls in each way. */
class ChatCommandTest {

	private static final String PIECE = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"la \"}}]}\r\n\r\n";

	private record Result(int code, String out, String err) {
	}

	private static Result chat(String url, String... options) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> args = Stream.concat(Stream.of("chat", "--url", url, "--server-model", "tiny", "--prompt", "hi"), Stream.of(options)).toList();
		int code = Cli.run(List.of(Engines.command(ChatCommand.class)),
				CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), null), args);
		return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void idleTimeoutCutsAServerThatSendsOnlyKeepAlives() throws Exception {
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.endless(": ping\r\n\r\n", 20)))) {
			Result r = chat(server.baseUrl(), "--idle-timeout", "300ms");
			assertEquals(1, r.code(), r.err());
			assertEquals("atelier chat: " + server.baseUrl() + " sent no event for 300ms; the answer was cut after 0 pieces\n", r.err());
		}
	}

	@Test
	void totalTimeoutCutsAnAnswerThatNeverEnds() throws Exception {
		try (ScriptedServer server = new ScriptedServer(List.of(ScriptedServer.endless(PIECE, 10)))) {
			Result r = chat(server.baseUrl(), "--total-timeout", "400ms", "--max-tokens", "1000000000");
			assertEquals(1, r.code(), r.err());
			assertTrue(r.err().startsWith("atelier chat: " + server.baseUrl() + " was still answering after 400ms; the answer was cut after "), r.err());
			assertTrue(r.out().startsWith("la la "), "what came before the cut was shown: " + r.out());
		}
	}

	@Test
	void connectTimeoutBoundsAServerThatNeverAcceptsTheConnection() throws Exception {
		// A listening socket that never accepts, its queue filled: the kernel then drops further connection requests.
		try (ServerSocket full = new ServerSocket(0, 1)) {
			List<Socket> queued = new ArrayList<>();
			try {
				for (int i = 0; i < 8; i++) {
					Socket s = new Socket();
					try {
						s.connect(new InetSocketAddress("127.0.0.1", full.getLocalPort()), 200);
						queued.add(s);
					} catch (java.net.SocketTimeoutException queueFull) {
						s.close();
						break;
					}
				}
				String url = "http://127.0.0.1:" + full.getLocalPort() + "/v1";
				Result r = chat(url, "--connect-timeout", "300ms", "--idle-timeout", "1s");
				assertEquals(1, r.code(), r.err());
				assertEquals("atelier chat: cannot connect to " + url + ": no connection within 300ms\n", r.err());
			} finally {
				for (Socket s : queued) {
					s.close();
				}
			}
		}
	}

	@Test
	void timeoutsAreRefusedWhenZeroOrForALocalModel() {
		Result zero = chat("http://127.0.0.1:9/v1", "--idle-timeout", "0s");
		assertEquals(2, zero.code(), zero.err());
		assertTrue(zero.err().startsWith("atelier chat: --idle-timeout: must be longer than 0"), zero.err());
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int local = Cli.run(List.of(Engines.command(ChatCommand.class)), CommandContext.of(new PrintStream(new ByteArrayOutputStream()),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), List.of("chat", "--model", "m.gguf", "--prompt", "hi", "--total-timeout", "1m"));
		assertEquals(2, local, err.toString(StandardCharsets.UTF_8));
		assertTrue(err.toString(StandardCharsets.UTF_8).contains("give them with --url"), err.toString(StandardCharsets.UTF_8));
	}
}
