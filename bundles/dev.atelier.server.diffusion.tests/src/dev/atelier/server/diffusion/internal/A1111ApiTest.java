package dev.atelier.server.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.core.outputs.PngDecoder;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;

/** AUTOMATIC1111's endpoints over the tiny pipeline, through {@code atelier serve}. */
class A1111ApiTest {

	@TempDir
	static Path dir;
	static ServedImages server;

	@BeforeAll
	static void start() throws Exception {
		server = ServedImages.start(ServedImages.workspace(dir), "--max-steps", "1000");
	}

	@AfterAll
	static void stop() throws Exception {
		server.close();
	}

	static byte[] png(JsonElement base64) {
		return Base64.getDecoder().decode(base64.getAsString());
	}

	static String parameters(byte[] png) throws IOException {
		return ServedImages.parameters(dir, png);
	}

	static int[] pixels(byte[] png) throws IOException {
		return PngDecoder.decode(png, "the answer's image", 1 << 24).rgb().pixels();
	}

	@Test
	void txt2imgAnswersBase64PngsWithTheParametersTextTheEchoAndInfoWithSeeds() throws Exception {
		ServedImages.Reply reply = server.post("/sdapi/v1/txt2img", """
				{"prompt":"a horse","negative_prompt":"blur","seed":7,"steps":2,"cfg_scale":5,"width":64,"height":64,"batch_size":2,
				 "sampler_name":"Euler a"}""");
		assertEquals(200, reply.status(), reply.body());
		JsonObject body = reply.json().getAsJsonObject();
		JsonArray images = body.getAsJsonArray("images");
		assertEquals(2, images.size());
		JsonObject info = JsonParser.parseString(body.get("info").getAsString()).getAsJsonObject();
		assertEquals(7, info.get("seed").getAsLong());
		assertEquals(List.of(7L, 8L), info.getAsJsonArray("all_seeds").asList().stream().map(JsonElement::getAsLong).toList());
		for (int i = 0; i < 2; i++) {
			byte[] png = png(images.get(i));
			assertEquals(64, PngDecoder.decode(png, "image", 1 << 24).width());
			String text = parameters(png);
			assertEquals(info.getAsJsonArray("infotexts").get(i).getAsString(), text, "info's infotexts are the images' parameters texts");
			Infotext parsed = Infotext.parse(text);
			assertEquals("a horse", parsed.prompt());
			assertEquals("blur", parsed.negativePrompt());
			assertEquals(Long.toString(7 + i), parsed.settings().get("Seed"));
			assertEquals("Euler a", parsed.settings().get("Sampler"));
			assertEquals("64x64", parsed.settings().get("Size"));
			assertEquals("tiny-sd", parsed.settings().get("Model"));
		}
		JsonObject parameters = body.getAsJsonObject("parameters");
		assertEquals("a horse", parameters.get("prompt").getAsString());
		assertEquals(2, parameters.get("batch_size").getAsInt());
		assertEquals(1, parameters.get("n_iter").getAsInt(), "defaults are echoed too");
		assertEquals("tiny-sd", info.get("sd_model_name").getAsString());
	}

	@Test
	void seedMinusOneRecordsTheFreshSeedItDrew() throws Exception {
		ServedImages.Reply reply = server.post("/sdapi/v1/txt2img", "{\"prompt\":\"a cat\",\"seed\":-1,\"steps\":1,\"width\":64,\"height\":64,\"n_iter\":2}");
		assertEquals(200, reply.status(), reply.body());
		JsonObject body = reply.json().getAsJsonObject();
		JsonObject info = JsonParser.parseString(body.get("info").getAsString()).getAsJsonObject();
		long seed = info.get("seed").getAsLong();
		assertNotEquals(-1, seed);
		assertEquals(List.of(seed, seed + 1), info.getAsJsonArray("all_seeds").asList().stream().map(JsonElement::getAsLong).toList(),
				"the second iteration's seed follows the first's");
		assertEquals(Long.toString(seed + 1), Infotext.parse(parameters(png(body.getAsJsonArray("images").get(1)))).settings().get("Seed"));
	}

	@Test
	void anImagesInfotextSentBackAsARequestMakesTheSameImage() throws Exception {
		JsonObject first = server.post("/sdapi/v1/txt2img",
				"{\"prompt\":\"a red barn\",\"seed\":42,\"steps\":3,\"cfg_scale\":6.5,\"width\":64,\"height\":72,\"sampler_name\":\"DPM++ 2M Karras\"}").json()
				.getAsJsonObject();
		byte[] png = png(first.getAsJsonArray("images").get(0));
		GenerationRequest read = Infotext.parse(parameters(png)).toRequest(GenerationRequest.of("", 0), dir);
		JsonObject again = new JsonObject();
		again.addProperty("prompt", read.prompt());
		again.addProperty("seed", read.seed());
		again.addProperty("steps", read.steps());
		again.addProperty("cfg_scale", read.cfgScale());
		again.addProperty("width", read.width());
		again.addProperty("height", read.height());
		again.addProperty("sampler_name", read.sampler().displayName());
		JsonObject second = server.post("/sdapi/v1/txt2img", again.toString()).json().getAsJsonObject();
		assertArrayEquals(pixels(png), pixels(png(second.getAsJsonArray("images").get(0))));
	}

	@Test
	void img2imgStartsFromTheInitImageAndRecordsTheDenoisingStrength() throws Exception {
		JsonObject made = server.post("/sdapi/v1/txt2img", "{\"prompt\":\"a hill\",\"seed\":3,\"steps\":2,\"width\":64,\"height\":64}").json().getAsJsonObject();
		String init = made.getAsJsonArray("images").get(0).getAsString();
		ServedImages.Reply reply = server.post("/sdapi/v1/img2img", "{\"prompt\":\"a hill at night\",\"seed\":3,\"steps\":4,\"width\":64,\"height\":64,"
				+ "\"denoising_strength\":0.5,\"sampler_name\":\"DDIM\",\"init_images\":[\"data:image/png;base64," + init + "\"]}");
		assertEquals(200, reply.status(), reply.body());
		JsonObject body = reply.json().getAsJsonObject();
		Infotext text = Infotext.parse(parameters(png(body.getAsJsonArray("images").get(0))));
		assertEquals("0.5", text.settings().get("Denoising strength"));
		assertEquals("DDIM", text.settings().get("Sampler"));
		assertTrue(body.getAsJsonObject("parameters").get("init_images").isJsonNull(), "the init images are not echoed");
		assertEquals(0.5, JsonParser.parseString(body.get("info").getAsString()).getAsJsonObject().get("denoising_strength").getAsDouble());

		ServedImages.Reply none = server.post("/sdapi/v1/img2img", "{\"prompt\":\"x\"}");
		assertEquals(400, none.status());
		assertTrue(none.body().contains("init_images"), none.body());
		ServedImages.Reply notAnImage = server.post("/sdapi/v1/img2img", "{\"prompt\":\"x\",\"init_images\":[\"aGVsbG8=\"]}");
		assertEquals(400, notAnImage.status());
		assertTrue(notAnImage.body().contains("init_images[0]"), notAnImage.body());
	}

	@Test
	void anUnknownSamplerIs400NamingItInA1111sErrorShape() throws Exception {
		ServedImages.Reply reply = server.post("/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"sampler_name\":\"Heun\",\"width\":64,\"height\":64}");
		assertEquals(400, reply.status());
		JsonObject error = reply.json().getAsJsonObject();
		assertTrue(error.get("detail").getAsString().contains("'Heun'"), reply.body());
		assertTrue(error.get("detail").getAsString().contains("DPM++ 2M Karras"), reply.body());
		assertTrue(error.has("error") && error.has("errors"), reply.body());
	}

	@Test
	void theSamplersAreA1111sNamesWithOurSpellingsAsAliases() throws Exception {
		JsonArray samplers = server.get("/sdapi/v1/samplers").json().getAsJsonArray();
		List<String> names = new ArrayList<>();
		samplers.forEach(s -> names.add(s.getAsJsonObject().get("name").getAsString()));
		assertEquals(List.of("Euler a", "Euler", "DDIM", "DPM++ 2M", "DPM++ 2M Karras", "LMS"), names);
		assertEquals("dpmpp_2m_karras", samplers.get(4).getAsJsonObject().getAsJsonArray("aliases").get(0).getAsString());
	}

	@Test
	void sdModelsListsTheCheckpointsFolderAndOptionsChoosesOneOfThem() throws Exception {
		JsonArray models = server.get("/sdapi/v1/sd-models").json().getAsJsonArray();
		assertEquals(1, models.size());
		JsonObject tiny = models.get(0).getAsJsonObject();
		assertEquals("tiny-sd", tiny.get("title").getAsString());
		assertEquals("tiny-sd", tiny.get("model_name").getAsString());
		assertEquals(dir.resolve("models/checkpoints/tiny-sd").toString(), tiny.get("filename").getAsString());
		assertEquals("tiny-sd", server.get("/sdapi/v1/options").json().getAsJsonObject().get("sd_model_checkpoint").getAsString());
		assertEquals(200, server.post("/sdapi/v1/options", "{\"sd_model_checkpoint\":\"tiny-sd\"}").status());
		assertEquals(404, server.post("/sdapi/v1/options", "{\"sd_model_checkpoint\":\"other\"}").status());
	}

	@Test
	void noCheckpointNameReachesAFolderOutsideTheCheckpointsFolder() throws Exception {
		Path outside = dir.resolve("models/outside");
		ServedImages.workspace(outside);
		for (String name : List.of("../outside/models/checkpoints/tiny-sd", "..", "/" + ServedImages.TINY, "tiny-sd/..", "tiny-sd/../tiny-sd", ".",
				"models/checkpoints/tiny-sd")) {
			String json = new com.google.gson.JsonPrimitive(name).toString();
			assertEquals(404, server.post("/sdapi/v1/options", "{\"sd_model_checkpoint\":" + json + "}").status(), name);
			ServedImages.Reply reply = server.post("/sdapi/v1/txt2img", "{\"prompt\":\"x\",\"steps\":1,\"width\":64,\"height\":64,"
					+ "\"override_settings\":{\"sd_model_checkpoint\":" + json + "}}");
			assertEquals(404, reply.status(), name + ": " + reply.body());
		}
	}

	@Test
	void progressShowsTheRunningJobWithItsPreviewAndInterruptEndsIt() throws Exception {
		CompletableFuture<ServedImages.Reply> answer = CompletableFuture.supplyAsync(() -> {
			try {
				return server.post("/sdapi/v1/txt2img", "{\"prompt\":\"a long one\",\"seed\":1,\"steps\":1000,\"width\":64,\"height\":64}");
			} catch (IOException | InterruptedException e) {
				throw new IllegalStateException(e);
			}
		});
		JsonObject progress;
		do {
			progress = server.get("/sdapi/v1/progress").json().getAsJsonObject();
		} while (progress.getAsJsonObject("state").get("sampling_step").getAsInt() < 2 || progress.get("current_image").isJsonNull());
		JsonObject state = progress.getAsJsonObject("state");
		assertEquals(1000, state.get("sampling_steps").getAsInt());
		assertEquals(1, state.get("job_count").getAsInt());
		assertEquals("txt2img", state.get("job").getAsString());
		double fraction = progress.get("progress").getAsDouble();
		assertTrue(fraction > 0.01 && fraction < 1, "progress " + fraction);
		assertTrue(progress.get("eta_relative").getAsDouble() > 0);
		assertEquals(8, PngDecoder.decode(png(progress.get("current_image")), "preview", 1 << 24).width(), "the preview is 1/8 of the image");

		assertEquals(200, server.post("/sdapi/v1/interrupt", "{}").status());
		ServedImages.Reply reply = answer.get();
		assertEquals(200, reply.status(), reply.body());
		JsonObject info = JsonParser.parseString(reply.json().getAsJsonObject().get("info").getAsString()).getAsJsonObject();
		assertEquals(0, info.getAsJsonArray("all_seeds").size(), "interrupted before its one iteration ended: no image");
		JsonObject idle = server.get("/sdapi/v1/progress").json().getAsJsonObject();
		assertEquals(0, idle.getAsJsonObject("state").get("job_count").getAsInt());
		assertEquals(0, idle.get("progress").getAsDouble());
		assertFalse(idle.has("current_image") && !idle.get("current_image").isJsonNull());
	}
}
