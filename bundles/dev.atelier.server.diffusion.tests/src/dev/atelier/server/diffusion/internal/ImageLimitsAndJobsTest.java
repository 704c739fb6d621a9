package dev.atelier.server.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.testing.Services;

/** The image limits (400, 413, 429 with a message) and image requests as jobs of the diffusion queue. */
class ImageLimitsAndJobsTest {

	@TempDir
	Path dir;

	private static String txt2img(int steps) {
		return "{\"prompt\":\"a boat\",\"seed\":5,\"steps\":" + steps + ",\"width\":64,\"height\":64}";
	}

	@Test
	void requestsPastTheImageLimitsAre400NamingTheLimitAndABodyPastItsLimitIs413() throws Exception {
		try (ServedImages server = ServedImages.start(ServedImages.workspace(dir), "--max-image-size", "128", "--max-images", "4", "--max-steps", "10",
				"--max-body", "2000")) {
			ServedImages.Reply wide = server.post("/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"width\":256,\"height\":64}");
			assertEquals(400, wide.status());
			assertTrue(wide.body().contains("'width' is 256; this server makes at most 128 pixels a side (--max-image-size)"), wide.body());
			ServedImages.Reply many = server.post("/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"width\":64,\"height\":64,\"batch_size\":3,\"n_iter\":2}");
			assertEquals(400, many.status());
			assertTrue(many.body().contains("6 images; this server makes at most 4 per request (--max-images)"), many.body());
			ServedImages.Reply steps = server.post("/sdapi/v1/txt2img", txt2img(11));
			assertEquals(400, steps.status());
			assertTrue(steps.body().contains("(--max-steps)"), steps.body());
			ServedImages.Reply notEight = server.post("/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"width\":60,\"height\":64}");
			assertEquals(400, notEight.status());
			assertTrue(notEight.body().contains("multiple of 8"), notEight.body());
			ServedImages.Reply openAi = server.post("/v1/images/generations", "{\"prompt\":\"x\",\"size\":\"512x512\"}");
			assertEquals(400, openAi.status());
			assertEquals("size", openAi.json().getAsJsonObject().getAsJsonObject("error").get("param").getAsString(), openAi.body());
			ServedImages.Reply big = server.post("/sdapi/v1/img2img", "{\"prompt\":\"x\",\"init_images\":[\"" + "A".repeat(3000) + "\"]}");
			assertEquals(413, big.status());
			assertTrue(big.body().contains("--max-body"), big.body());
		}
	}

	@Test
	void anImageRequestBeyondTheQueueIs429() throws Exception {
		try (ServedImages server = ServedImages.start(ServedImages.workspace(dir), "--queue", "0", "--max-steps", "1000")) {
			CompletableFuture<ServedImages.Reply> running = CompletableFuture.supplyAsync(() -> post(server, txt2img(1000)));
			while (server.get("/sdapi/v1/progress").json().getAsJsonObject().getAsJsonObject("state").get("sampling_step").getAsInt() == 0) {
				Thread.onSpinWait();
			}
			ServedImages.Reply refused = server.post("/sdapi/v1/txt2img", txt2img(1));
			assertEquals(429, refused.status());
			assertTrue(refused.body().contains("--queue 0"), refused.body());
			server.post("/sdapi/v1/interrupt", "");
			assertEquals(200, running.get().status());
			assertEquals(200, server.post("/sdapi/v1/txt2img", txt2img(1)).status(), "once the queue is free, it answers");
		}
	}

	@Test
	void anImageRequestIsAJobOfTheDiffusionQueueAndAClientThatLeavesCancelsIt() throws Exception {
		JobService jobs = Services.await(ImageLimitsAndJobsTest.class, JobService.class);
		List<JobHandle<?>> seen = new CopyOnWriteArrayList<>();
		JobService.JobListener listener = job -> {
			if (job.name().startsWith("diffusion 64x64x1") && job.state().isDone() && !seen.contains(job)) {
				seen.add(job);
			}
		};
		jobs.addListener(listener);
		try (ServedImages server = ServedImages.start(ServedImages.workspace(dir), "--max-steps", "1000")) {
			assertEquals(200, server.post("/sdapi/v1/txt2img", txt2img(1)).status());
			while (seen.isEmpty()) {
				Thread.onSpinWait();
			}
			assertEquals(JobState.SUCCEEDED, seen.getFirst().state());
			assertEquals("cpu", seen.getFirst().details().get(JobHandle.DEVICE));
			assertEquals("a boat", seen.getFirst().details().get("Prompt"));

			String body = txt2img(1000);
			try (Socket client = new Socket(server.address.getHost(), server.address.getPort())) {
				OutputStream out = client.getOutputStream();
				out.write(("POST /sdapi/v1/txt2img HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: "
						+ body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
				out.flush();
				while (server.get("/sdapi/v1/progress").json().getAsJsonObject().getAsJsonObject("state").get("sampling_step").getAsInt() == 0) {
					Thread.onSpinWait();
				}
			}
			while (seen.size() < 2) {
				Thread.onSpinWait();
			}
			assertEquals(JobState.CANCELLED, seen.get(1).state(), "the client closed its connection while the whole answer was made");
		} finally {
			jobs.removeListener(listener);
		}
	}

	@Test
	void openAiImagesAnswerB64JsonPngsWithTheParametersTextAndOpenAiErrors() throws Exception {
		try (ServedImages server = ServedImages.start(ServedImages.workspace(dir))) {
			ServedImages.Reply reply = server.post("/v1/images/generations", "{\"prompt\":\"a lighthouse\",\"n\":2,\"size\":\"64x64\",\"response_format\":\"b64_json\"}");
			assertEquals(200, reply.status(), reply.body());
			JsonObject body = reply.json().getAsJsonObject();
			assertEquals(2, body.getAsJsonArray("data").size());
			String text = ServedImages.parameters(dir, java.util.Base64.getDecoder().decode(body.getAsJsonArray("data").get(1).getAsJsonObject().get("b64_json").getAsString()));
			assertTrue(text.startsWith("a lighthouse\n"), text);
			assertTrue(text.contains("Size: 64x64"), text);
			ServedImages.Reply url = server.post("/v1/images/generations", "{\"prompt\":\"x\",\"response_format\":\"url\"}");
			assertEquals(400, url.status());
			JsonObject error = url.json().getAsJsonObject().getAsJsonObject("error");
			assertEquals("invalid_request_error", error.get("type").getAsString());
			assertEquals("response_format", error.get("param").getAsString());
			ServedImages.Reply unknown = server.post("/v1/images/generations", "{\"prompt\":\"x\",\"model\":\"dall-e-3\",\"size\":\"64x64\"}");
			assertEquals(404, unknown.status());
			assertEquals("model_not_found", unknown.json().getAsJsonObject().getAsJsonObject("error").get("code").getAsString());
		}
	}

	private static ServedImages.Reply post(ServedImages server, String body) {
		try {
			return server.post("/sdapi/v1/txt2img", body);
		} catch (IOException | InterruptedException e) {
			throw new IllegalStateException(e);
		}
	}
}
