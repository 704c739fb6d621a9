package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

import dev.atelier.server.Limits;

/**
 * A served model answers up to {@link Limits#parallel()} requests at once, decoded together: each answer is what the
 * same request gets alone, and the queue limit counts only the requests beyond those.
 */
class ContinuousBatchingTest {

	@TempDir
	static Path dir;

	private static final List<String> REQUESTS = List.of("\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":12,\"temperature\":0",
			"\"messages\":[{\"role\":\"user\",\"content\":\"tell me about the number\"}],\"max_tokens\":20,\"temperature\":1,\"seed\":4",
			"\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"why\"}],\"max_tokens\":6,\"temperature\":0.7,\"top_p\":0.9,\"seed\":9",
			"\"messages\":[{\"role\":\"user\",\"content\":\"how are you\"}],\"max_tokens\":16,\"temperature\":0");

	private static String body(String request) {
		return "{\"model\":\"tiny\"," + request + "}";
	}

	private static String answer(TestServer.Reply reply) {
		assertEquals(200, reply.status(), reply.body());
		JsonObject choice = reply.json().getAsJsonArray("choices").get(0).getAsJsonObject();
		return choice.getAsJsonObject("message").get("content").getAsString() + " | " + choice.get("finish_reason").getAsString() + " | "
				+ reply.json().getAsJsonObject("usage").get("completion_tokens").getAsInt();
	}

	@Test
	void concurrentChatsAreAnsweredAsEachIsAlone() throws Exception {
		try (TestServer server = TestServer.start(TestServer.workspace(dir), null, null, Limits.DEFAULT.withParallel(3))) {
			for (String request : REQUESTS) {
				// unrecorded: the JIT compiles the engine's vector code, whose sums' last bits change with it
				answer(server.post("/v1/chat/completions", body(request)));
			}
			List<String> alone = new ArrayList<>();
			for (String request : REQUESTS) {
				alone.add(answer(server.post("/v1/chat/completions", body(request))));
			}
			List<String> together = new ArrayList<>(java.util.Collections.nCopies(REQUESTS.size(), (String) null));
			AtomicReference<Throwable> failure = new AtomicReference<>();
			CountDownLatch go = new CountDownLatch(1);
			List<Thread> clients = new ArrayList<>();
			for (int i = 0; i < REQUESTS.size(); i++) {
				int request = i;
				clients.add(Thread.ofPlatform().start(() -> {
					try {
						go.await();
						together.set(request, answer(server.post("/v1/chat/completions", body(REQUESTS.get(request)))));
					} catch (Throwable e) {
						failure.set(e);
					}
				}));
			}
			go.countDown();
			for (Thread client : clients) {
				client.join();
			}
			assertNull(failure.get());
			assertEquals(alone, together);
		}
	}

	@Test
	void requestsBeyondTheParallelAnswersAndTheQueueAre429() throws Exception {
		try (TestServer server = TestServer.start(TestServer.workspace(dir), null, null, new Limits(100_000, 500, 8, 0).withParallel(2))) {
			CountDownLatch answering = new CountDownLatch(2);
			CountDownLatch release = new CountDownLatch(1);
			List<Thread> busy = server.occupy(2, answering, release);
			// both run at once: a runner of one would never count down twice while the first waits
			answering.await();
			String small = body("\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":2");
			TestServer.Reply reply = server.post("/v1/chat/completions", small);
			release.countDown();
			for (Thread t : busy) {
				t.join();
			}
			assertEquals(429, reply.status(), reply.body());
			assertEquals(200, server.post("/v1/chat/completions", small).status(), "once an answer is done, the next runs");
		}
	}
}
