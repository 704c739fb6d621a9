package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.testing.Services;

/** Every request to a model is a job of the job service, as the IDE's and the CLI's are; a client that leaves cancels its own. */
class JobsTest extends ServedWorkspace {

	private static List<JobHandle<?>> ended(JobService jobs, String name, List<JobService.JobListener> registered) {
		List<JobHandle<?>> ended = new CopyOnWriteArrayList<>();
		JobService.JobListener listener = job -> {
			if (job.name().equals(name) && job.state().isDone() && !ended.contains(job)) {
				ended.add(job);
			}
		};
		jobs.addListener(listener);
		registered.add(listener);
		return ended;
	}

	@Test
	void aChatIsAJobWithItsModelAndDevice() throws Exception {
		JobService jobs = Services.await(JobsTest.class, JobService.class);
		List<JobService.JobListener> registered = new CopyOnWriteArrayList<>();
		List<JobHandle<?>> chats = ended(jobs, "serve chat tiny", registered);
		try {
			TestServer.Reply reply = server.post("/v1/chat/completions",
					"{\"model\":\"tiny\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
			assertEquals(200, reply.status(), reply.body());
			while (chats.isEmpty()) {
				Thread.onSpinWait();
			}
			JobHandle<?> chat = chats.getFirst();
			assertEquals(JobState.SUCCEEDED, chat.state());
			assertEquals("cpu", chat.details().get(JobHandle.DEVICE));
			assertTrue(chat.details().get("model").endsWith("tiny.gguf"), chat.details().toString());
		} finally {
			registered.forEach(jobs::removeListener);
		}
	}

	@Test
	void aClientThatClosesItsConnectionWhileItsWholeAnswerWaitsCancelsItsJob() throws Exception {
		JobService jobs = Services.await(JobsTest.class, JobService.class);
		List<JobService.JobListener> registered = new CopyOnWriteArrayList<>();
		List<JobHandle<?>> completions = ended(jobs, "serve completion tiny", registered);
		List<JobHandle<?>> queued = new CopyOnWriteArrayList<>();
		JobService.JobListener waiting = job -> {
			if (job.name().equals("serve completion tiny") && job.state() == JobState.QUEUED) {
				queued.add(job);
			}
		};
		jobs.addListener(waiting);
		registered.add(waiting);
		int parallel = server.models.limits().parallel();
		CountDownLatch busy = new CountDownLatch(parallel);
		CountDownLatch release = new CountDownLatch(1);
		// every answer the model's runner takes at once is busy, so the client's request waits QUEUED until the client leaves
		List<Thread> blockers = server.occupy(parallel, busy, release);
		try {
			busy.await();
			String body = "{\"model\":\"tiny\",\"prompt\":\"once\",\"max_tokens\":4,\"stream\":false}";
			try (Socket client = new Socket(server.address.getHost(), server.address.getPort())) {
				OutputStream out = client.getOutputStream();
				out.write(("POST /v1/completions HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: "
						+ body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
				out.flush();
				while (queued.isEmpty()) {
					Thread.onSpinWait();
				}
			}
			while (completions.isEmpty()) {
				Thread.onSpinWait();
			}
			assertEquals(JobState.CANCELLED, completions.getFirst().state());
		} finally {
			release.countDown();
			for (Thread blocker : blockers) {
				blocker.join();
			}
			registered.forEach(jobs::removeListener);
		}
	}
}
