package dev.atelier.server.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.Psnr;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;
import dev.atelier.testing.checkpoints.TestLoras;

/**
 * A1111's {@code GET /sdapi/v1/loras} over the models folder's {@code loras/}, and a prompt's {@code <lora:NAME:W>}
 * through {@code POST /sdapi/v1/txt2img} on the reduced SD 1.x checkpoint.
 */
class LorasApiTest {

	@TempDir
	Path dir;

	@Test
	void lorasListsTheLoraFilesWithNameAliasPathAndMetadataAsAutomatic1111Does() throws Exception {
		Path folder = Files.createDirectories(dir.resolve("models/loras"));
		Path detail = TestLoras.sd1(folder.resolve("detail.safetensors"), Map.of(),
				Map.of("ss_output_name", "add_detail", "ss_network_dim", "4", "ss_tag_frequency", "{\"img\": {\"cat\": 3}}"));
		Path plain = TestLoras.sd1(folder.resolve("plain.safetensors"));
		Path broken = Files.writeString(folder.resolve("broken.safetensors"), "not a safetensors file");
		Files.writeString(folder.resolve("notes.txt"), "not a LoRA");
		try (ServedImages server = ServedImages.start(dir)) {
			ServedImages.Reply reply = server.get("/sdapi/v1/loras");
			assertEquals(200, reply.status(), reply.body());
			JsonArray loras = reply.json().getAsJsonArray();
			assertEquals(3, loras.size(), loras.toString());
			assertEquals(JsonParser.parseString("{\"name\":\"broken\",\"alias\":\"broken\",\"path\":" + json(broken) + ",\"metadata\":{}}"), loras.get(0),
					"a file whose header cannot be read is listed without metadata");
			JsonObject first = loras.get(1).getAsJsonObject();
			assertEquals("detail", first.get("name").getAsString(), "the name <lora:NAME:W> takes");
			assertEquals("add_detail", first.get("alias").getAsString(), "kohya's output name, as A1111 prefers it");
			assertEquals(detail.toString(), first.get("path").getAsString());
			assertEquals(JsonParser.parseString("{\"ss_network_dim\":\"4\",\"ss_output_name\":\"add_detail\",\"ss_tag_frequency\":{\"img\":{\"cat\":3}}}"),
					first.get("metadata"), "metadata strings, a JSON object's parsed");
			assertEquals(JsonParser.parseString("{\"name\":\"plain\",\"alias\":\"plain\",\"path\":" + json(plain) + ",\"metadata\":{}}"), loras.get(2));
		}
	}

	private static String json(Path p) {
		return new com.google.gson.Gson().toJson(p.toString());
	}

	@Test
	void withoutALoraFolderTheListIsEmpty() throws Exception {
		try (ServedImages server = ServedImages.start(dir)) {
			assertEquals(new JsonArray(), server.get("/sdapi/v1/loras").json());
		}
	}

	/**
	 * The diffusion queue finds a prompt's LoRAs in its workspace's models folder, so this serves that workspace (the test
	 * runtime's), whose LoRA and checkpoint it takes away afterwards.
	 */
	@Test
	void aLoraTagInAnApiPromptChangesTheImageAndTheInfotextRecordsIt() throws Exception {
		Path workspace = Services.await(LorasApiTest.class, Outputs.class).root().getParent();
		Path models = ModelsFolder.root(new AtelierPaths(workspace));
		Path checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16",
				Files.createDirectories(models.resolve("checkpoints")).resolve("lora-test-sd1.safetensors"));
		Path lora = TestLoras.sd1(Files.createDirectories(models.resolve("loras")).resolve("lora-test-detail.safetensors"));
		try (ServedImages server = ServedImages.start(workspace)) {
			List<String> names = server.get("/sdapi/v1/loras").json().getAsJsonArray().asList().stream()
					.map(e -> e.getAsJsonObject().get("name").getAsString()).toList();
			assertTrue(names.contains("lora-test-detail"), names.toString());
			String request = "{\"prompt\":\"%s\",\"seed\":1234,\"steps\":3,\"width\":64,\"height\":64,\"sampler_name\":\"Euler\","
					+ "\"override_settings\":{\"sd_model_checkpoint\":\"lora-test-sd1\"}}";
			byte[] plain = image(server.post("/sdapi/v1/txt2img", request.formatted("a photo of a cat")));
			ServedImages.Reply tagged = server.post("/sdapi/v1/txt2img", request.formatted("a photo of a cat <lora:lora-test-detail:0.8>"));
			byte[] with = image(tagged);
			int apart = Psnr.largestDifference(Images.decode(plain, "plain", 1 << 24), Images.decode(with, "with", 1 << 24));
			assertTrue(apart > 8, "the LoRA changes the image: " + apart + " levels at most");
			Infotext info = Infotext.parse(ServedImages.parameters(dir, with));
			assertEquals("a photo of a cat <lora:lora-test-detail:0.8>", info.prompt());
			assertTrue(info.settings().getOrDefault("Lora hashes", "").startsWith("lora-test-detail: "), info.settings().toString());

			ServedImages.Reply missing = server.post("/sdapi/v1/txt2img", request.formatted("a cat <lora:nope:1>"));
			assertNotEquals(200, missing.status());
			assertTrue(missing.body().contains("<lora:nope:1>: no nope.safetensors in " + models.resolve("loras")), missing.body());
		} finally {
			Files.delete(checkpoint);
			Files.delete(lora);
		}
	}

	private static byte[] image(ServedImages.Reply reply) {
		assertEquals(200, reply.status(), reply.body());
		return Base64.getDecoder().decode(reply.json().getAsJsonObject().getAsJsonArray("images").get(0).getAsString());
	}
}
