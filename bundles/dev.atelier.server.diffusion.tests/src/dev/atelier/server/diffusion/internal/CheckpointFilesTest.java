package dev.atelier.server.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.atelier.diffusion.Infotext;
import dev.atelier.server.ApiException;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * Checkpoint files ({@code .safetensors}, {@code .ckpt}) in {@code checkpoints/} beside pipeline folders: listed by
 * {@code GET /sdapi/v1/sd-models} by their names without the extension, and generated from by the native engine.
 */
class CheckpointFilesTest {

	@TempDir
	Path dir;

	@Test
	void checkpointFilesAndPipelineFoldersAreListedByNameWithoutTheExtensionAndNothingElseIs() throws Exception {
		Path root = Files.createDirectories(dir.resolve("checkpoints"));
		Files.writeString(root.resolve("dreamy.safetensors"), "weights");
		Files.writeString(root.resolve("Old Model.CKPT"), "weights");
		Files.writeString(Files.createDirectories(root.resolve("tiny-sd")).resolve("model_index.json"), "{}");
		Files.writeString(Files.createDirectories(root.resolve("twin")).resolve("model_index.json"), "{}");
		Files.writeString(root.resolve("twin.safetensors"), "the folder of the same name is listed");
		Files.writeString(root.resolve("notes.txt"), "not a model");
		Files.writeString(root.resolve("vae.pt"), "not a checkpoint");
		Files.createDirectories(root.resolve("folder.safetensors"));
		Files.createDirectories(root.resolve("no-index"));
		Files.writeString(root.resolve(".hidden.safetensors"), "a name no request may give");

		Checkpoints checkpoints = new Checkpoints(root);
		assertEquals(List.of(new Checkpoints.Checkpoint("Old Model", root.resolve("Old Model.CKPT")),
				new Checkpoints.Checkpoint("dreamy", root.resolve("dreamy.safetensors")), new Checkpoints.Checkpoint("tiny-sd", root.resolve("tiny-sd")),
				new Checkpoints.Checkpoint("twin", root.resolve("twin"))), checkpoints.list());
		assertEquals(root.resolve("dreamy.safetensors"), checkpoints.find("dreamy [0123abcd]", "sd_model_checkpoint").path(), "an A1111 title finds it");
		ApiException withExtension = assertThrows(ApiException.class, () -> checkpoints.find("dreamy.safetensors", "sd_model_checkpoint"));
		assertEquals(404, withExtension.status());
	}

	@Test
	void noModelsSaysWhatToPutThere() {
		Path root = dir.resolve("checkpoints");
		ApiException none = assertThrows(ApiException.class, () -> new Checkpoints(root).current(null));
		assertEquals("no models in " + root + ": put a checkpoint file (.safetensors, .ckpt) or a pipeline folder (with model_index.json) there",
				none.getMessage());
	}

	@Test
	void aServedSafetensorsFileIsInSdModelsAndTxt2imgMakesItsImage() throws Exception {
		Path checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16",
				Files.createDirectories(dir.resolve("models/checkpoints")).resolve("tiny-sd1.safetensors"));
		try (ServedImages server = ServedImages.start(dir)) {
			JsonArray models = server.get("/sdapi/v1/sd-models").json().getAsJsonArray();
			assertEquals(1, models.size(), models.toString());
			JsonObject model = models.get(0).getAsJsonObject();
			assertEquals("tiny-sd1", model.get("title").getAsString());
			assertEquals("tiny-sd1", model.get("model_name").getAsString());
			assertEquals(checkpoint.toString(), model.get("filename").getAsString());

			ServedImages.Reply reply = server.post("/sdapi/v1/txt2img",
					"{\"prompt\":\"a photo of a cat\",\"seed\":1234,\"steps\":2,\"width\":64,\"height\":64,\"sampler_name\":\"Euler\"}");
			assertEquals(200, reply.status(), reply.body());
			JsonElement image = reply.json().getAsJsonObject().getAsJsonArray("images").get(0);
			byte[] png = Base64.getDecoder().decode(image.getAsString());
			assertTrue(png.length > 8 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG");
			assertEquals("tiny-sd1", Infotext.parse(ServedImages.parameters(dir, png)).settings().get("Model"));
		}
	}
}
