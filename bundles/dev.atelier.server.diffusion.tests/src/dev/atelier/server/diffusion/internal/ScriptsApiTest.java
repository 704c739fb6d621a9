package dev.atelier.server.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import dev.atelier.core.outputs.Images;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.Psnr;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * A1111's VAE setting ({@code override_settings.sd_vae}, {@code GET /sdapi/v1/sd-vae}) and the ControlNet and Tiled
 * VAE extensions' {@code alwayson_scripts} through {@code atelier serve}, on the reduced SD 1.x checkpoint with a
 * ControlNet and a VAE in the workspace's models folder, which requests name them by.
 */
class ScriptsApiTest {

	/** The diffusion tests' control image. */
	private static final Path CONTROL_IMAGE = Path.of("..", "dev.atelier.diffusion.tests", "fixture", "engine-sd1-controlnet", "control.png").toAbsolutePath()
			.normalize();

	@TempDir
	static Path dir;
	static ServedImages server;
	static String control;

	@BeforeAll
	static void start() throws Exception {
		Path models = dir.resolve("models");
		FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16", Files.createDirectories(models.resolve("checkpoints")).resolve("tiny-sd1.safetensors"));
		FormulaWeights.writeControlNet(FormulaWeights.SD1_REFERENCE, new int[] { 16, 32, 32, 64 }, "F16",
				Files.createDirectories(models.resolve("controlnet")).resolve("control_tiny_canny.safetensors"));
		FormulaWeights.writeVae(FormulaWeights.SD1_REFERENCE, "F16", false, Files.createDirectories(models.resolve("vae")).resolve("other-vae.safetensors"));
		control = Base64.getEncoder().encodeToString(Files.readAllBytes(CONTROL_IMAGE));
		server = ServedImages.start(dir);
	}

	@AfterAll
	static void stop() throws Exception {
		server.close();
	}

	private static String request(String more) {
		return "{\"prompt\":\"a photo of a cat\",\"seed\":1234,\"steps\":3,\"width\":64,\"height\":64,\"sampler_name\":\"Euler\"" + more + "}";
	}

	private static String units(String units) {
		return ",\"alwayson_scripts\":{\"controlnet\":{\"args\":[" + units + "]}}";
	}

	private static byte[] image(ServedImages.Reply reply) {
		assertEquals(200, reply.status(), reply.body());
		return Base64.getDecoder().decode(reply.json().getAsJsonObject().getAsJsonArray("images").get(0).getAsString());
	}

	@Test
	void theVaeSettingAControlNetUnitAndTiledVaeByNameMakeTheImageAndTheInfotextRecordsThem() throws Exception {
		JsonArray vaes = server.get("/sdapi/v1/sd-vae").json().getAsJsonArray();
		JsonObject listed = new JsonObject();
		listed.addProperty("model_name", "other-vae.safetensors");
		listed.addProperty("filename", dir.resolve("models/vae/other-vae.safetensors").toString());
		JsonArray expected = new JsonArray();
		expected.add(listed);
		assertEquals(expected, vaes, "by the name sd_vae takes, as A1111 lists them");

		byte[] plain = image(server.post("/sdapi/v1/txt2img", request("")));
		byte[] with = image(server.post("/sdapi/v1/txt2img", request(",\"override_settings\":{\"sd_vae\":\"other-vae.safetensors\"},"
				+ "\"alwayson_scripts\":{\"ControlNet\":{\"args\":[{\"enabled\":false,\"module\":\"depth\"},{\"image\":\"data:image/png;base64," + control
				+ "\",\"model\":\"control_tiny_canny [0123abcd]\",\"module\":\"canny\",\"weight\":1.5,\"guidance_end\":0.5,\"threshold_a\":-1,"
				+ "\"control_mode\":\"Balanced\",\"resize_mode\":1}]},\"Tiled VAE\":{\"args\":[true,1024,96]}}")));
		Map<String, String> settings = Infotext.parse(ServedImages.parameters(dir, with)).settings();
		assertEquals("other-vae.safetensors", settings.get("VAE"));
		String unit = settings.getOrDefault("ControlNet 0", "");
		assertTrue(unit.startsWith("Module: canny, Model: control_tiny_canny [") && unit.contains("Weight: 1.5") && unit.contains("Guidance End: 0.5"),
				"the enabled unit, the disabled one skipped: " + settings);
		assertEquals("True", settings.get("Tiled VAE"));
		int apart = Psnr.largestDifference(Images.decode(plain, "plain", 1 << 24), Images.decode(with, "with", 1 << 24));
		assertTrue(apart > 8, "the ControlNet changes the image: " + apart + " levels at most");
	}

	@Test
	void unknownNamesBadImagesAndWhatTheEngineDoesNotDoAreRefusedWith400NamingTheField() throws Exception {
		String image = "\"image\":\"" + control + "\"";
		refused(request(",\"override_settings\":{\"sd_vae\":\"nope.safetensors\"}"),
				"VAE 'nope.safetensors' is not in " + dir.resolve("models/vae") + ": it has other-vae.safetensors");
		refused(request(units("{" + image + ",\"model\":\"control_nope\"}")),
				"ControlNet 'control_nope' is not in " + dir.resolve("models/controlnet") + ": it has control_tiny_canny.safetensors");
		refused(request(units("{" + image + "}")), "'alwayson_scripts.controlnet.args[0].model' is missing");
		refused(request(units("{\"image\":\"A\",\"model\":\"control_tiny_canny\"}")),
				"'alwayson_scripts.controlnet.args[0].image' must be a base64 image");
		refused(request(units("{\"image\":\"" + Base64.getEncoder().encodeToString("no image".getBytes()) + "\",\"model\":\"control_tiny_canny\"}")),
				"'alwayson_scripts.controlnet.args[0].image' must be a PNG");
		refused(request(units("{" + image + ",\"model\":\"control_tiny_canny\",\"module\":\"depth\"}")),
				"'alwayson_scripts.controlnet.args[0].module' must be canny or none, the preprocessors done here, not depth");
		refused(request(units("{" + image + ",\"model\":\"control_tiny_canny\",\"module\":\"canny\",\"threshold_a\":50}")),
				"'alwayson_scripts.controlnet.args[0].threshold_a' must be 100.0 (or -1)");
		refused(request(units("{" + image + ",\"model\":\"control_tiny_canny\",\"control_mode\":\"My prompt is more important\"}")),
				"'alwayson_scripts.controlnet.args[0].control_mode' must be 0 (Balanced), the one done here");
		refused(request(units("{" + image + ",\"model\":\"control_tiny_canny\",\"guidance_start\":0.6,\"guidance_end\":0.4}")),
				"'alwayson_scripts.controlnet.args[0].guidance_end' must be above guidance_start (0.6), not 0.4");
		refused(request(units("{" + image + ",\"model\":\"control_tiny_canny\"},{" + image + ",\"model\":\"control_tiny_canny\"}")),
				"'alwayson_scripts.controlnet.args[1]' is a second enabled ControlNet unit: the engine runs one ControlNet");
		refused(request(",\"alwayson_scripts\":{\"tiled vae\":{\"args\":[\"yes\"]}}"), "'alwayson_scripts.tiled vae.args[0]' must be true or false");
	}

	private static void refused(String request, String says) throws Exception {
		ServedImages.Reply reply = server.post("/sdapi/v1/txt2img", request);
		assertEquals(400, reply.status(), reply.body());
		String detail = reply.json().getAsJsonObject().get("detail").getAsString();
		assertTrue(detail.startsWith(says), detail);
	}
}
