package dev.atelier.server.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.server.JsonFields;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * AUTOMATIC1111's img2img inpainting fields on an inpainting checkpoint (the reduced SD 1.x with a 9-channel UNet),
 * and {@code sd-models}' hashes.
 */
class InpaintingTest {

	@TempDir
	Path dir;

	private static final int SIDE = 64;

	/** A 64 × 64 image whose pixels {@code paint} gives. */
	private static String png(java.util.function.IntBinaryOperator paint) throws Exception {
		RgbImage image = new RgbImage(SIDE, SIDE);
		for (int y = 0; y < SIDE; y++) {
			for (int x = 0; x < SIDE; x++) {
				image.setRgb(x, y, paint.applyAsInt(x, y));
			}
		}
		return Base64.getEncoder().encodeToString(PngInfo.encode(image, Map.of()));
	}

	private static final int WHITE = 0xffffff;

	/** The pixels of the image an img2img of the init image with {@code fields} makes. */
	private static int[] inpaint(ServedImages server, String fields) throws Exception {
		String init = png((x, y) -> (x * 4) << 16 | (y * 4) << 8 | 0x40);
		ServedImages.Reply reply = server.post("/sdapi/v1/img2img", "{\"prompt\":\"a door\",\"seed\":5,\"steps\":2,\"width\":64,\"height\":64,"
				+ "\"denoising_strength\":1,\"sampler_name\":\"Euler\",\"init_images\":[\"" + init + "\"]," + fields + "}");
		assertEquals(200, reply.status(), reply.body());
		JsonObject body = reply.json().getAsJsonObject();
		assertTrue(body.getAsJsonObject("parameters").get("mask").isJsonNull(), "the mask is not echoed, as A1111 does not");
		JsonElement image = body.getAsJsonArray("images").get(0);
		return Images.decode(Base64.getDecoder().decode(image.getAsString()), "image", 1 << 20).pixels();
	}

	private ServedImages inpaintingServer() throws Exception {
		FormulaWeights.write(FormulaWeights.SD1_REFERENCE.withInChannels(9), "F16",
				Files.createDirectories(dir.resolve("models/checkpoints")).resolve("tiny-inpaint.safetensors"));
		return ServedImages.start(dir);
	}

	/** The mask {@link Inpainting} hands the engine for these request fields, as grey levels. */
	private static int[] mask(String fields) throws Exception {
		JsonObject json = JsonParser.parseString("{" + fields + "}").getAsJsonObject();
		byte[] png = Inpainting.mask(new JsonFields(json), 1 << 20).orElseThrow();
		return Arrays.stream(Images.decode(png, "mask", 1 << 20).pixels()).map(p -> p & 0xff).toArray();
	}

	@Test
	void anInvertedMaskAndAnRgbaMasksAlphaGiveTheMaskTheyStandFor() throws Exception {
		int[] left = mask("\"mask\":\"" + png((x, y) -> x < SIDE / 2 ? WHITE : 0) + "\"");
		assertEquals(255, left[0]);
		assertEquals(0, left[SIDE - 1]);
		assertArrayEquals(left, mask("\"mask\":\"data:image/png;base64," + png((x, y) -> x < SIDE / 2 ? 0 : WHITE) + "\",\"inpainting_mask_invert\":1"));
		// black everywhere, transparent on the right, half-transparent (not above 128) in the middle: the alpha is the mask
		assertArrayEquals(left, mask("\"mask\":\"" + rgbaPng((x, y) -> x < SIDE / 2 - 4 ? 255 : x < SIDE / 2 ? 129 : x < SIDE / 2 + 4 ? 128 : 0) + "\""));
		assertTrue(Inpainting.mask(new JsonFields(new JsonObject()), 1 << 20).isEmpty(), "no mask, no inpainting");
	}

	@Test
	void aBlurredMaskLosesALonePixelThatTheSharpOneKeeps() throws Exception {
		String lonePixel = png((x, y) -> x == 8 && y == 8 ? WHITE : 0);
		int[] sharp = mask("\"mask\":\"" + lonePixel + "\",\"mask_blur\":0");
		int[] blurred = mask("\"mask\":\"" + lonePixel + "\",\"mask_blur\":2");
		assertEquals(255, sharp[8 * SIDE + 8]);
		// 255 × the centre tap squared (σ 2: 0.1995²) is 10: the engine's binarisation at one half repaints nothing there
		assertEquals(10, blurred[8 * SIDE + 8]);
		assertTrue(Arrays.stream(blurred).allMatch(v -> v < 128), "nothing left to repaint");
	}

	@Test
	void aMaskedImg2imgOnAnInpaintingCheckpointRepaintsAsItsMaskSays() throws Exception {
		try (ServedImages server = inpaintingServer()) {
			int[] left = inpaint(server, "\"mask\":\"" + png((x, y) -> x < SIDE / 2 ? WHITE : 0) + "\"");
			int[] right = inpaint(server, "\"mask\":\"" + png((x, y) -> x < SIDE / 2 ? 0 : WHITE) + "\",\"inpainting_fill\":1,\"inpaint_full_res\":false");
			double difference = 0;
			for (int i = 0; i < left.length; i++) {
				for (int shift = 0; shift < 24; shift += 8) {
					difference += Math.abs((left[i] >> shift & 0xff) - (right[i] >> shift & 0xff));
				}
			}
			difference /= 3.0 * left.length;
			// two runs of one request differ by a level in a few pixels at most
			assertTrue(difference > 1, "another mask, another image: mean difference " + difference);
		}
	}

	/**
	 * A saved inpainting's init image and mask stay in the workspace, each once however often it is sent, and the image's
	 * infotext names them relative to it, so that Reuse finds the very pixels sent; an image not saved leaves no input
	 * behind. Served over the queue's workspace (the test runtime's), where the test's checkpoint and inputs are taken away
	 * afterwards.
	 */
	@Test
	void aSavedImagesInitImageAndMaskStayInTheWorkspaceOnceEachAndItsInfotextNamesThem() throws Exception {
		Path workspace = Services.await(InpaintingTest.class, AtelierEnvironment.class).paths().workspaceRoot();
		Path checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE.withInChannels(9), "F16",
				Files.createDirectories(workspace.resolve("models/checkpoints")).resolve("inputs-test-inpaint.safetensors"));
		byte[] init = Base64.getDecoder().decode(png((x, y) -> (x * 4) << 16 | 0x20 << 8 | y * 4));
		byte[] mask = Base64.getDecoder().decode(png((x, y) -> y < SIDE / 2 ? WHITE : 0));
		byte[] unsaved = Base64.getDecoder().decode(png((x, y) -> 0x102030));
		int[] initPixels = Images.decode(init, "init", 1 << 20).pixels();
		int[] maskPixels = Images.decode(mask, "mask", 1 << 20).pixels();
		String request = "{\"prompt\":\"a door\",\"seed\":5,\"steps\":1,\"width\":64,\"height\":64,\"denoising_strength\":1,\"save_images\":%s,"
				+ "\"override_settings\":{\"sd_model_checkpoint\":\"inputs-test-inpaint\"},\"init_images\":[\"%s\"],\"mask\":\"%s\"}";
		Path inputs = workspace.resolve("outputs/inputs");
		try (ServedImages server = ServedImages.start(workspace)) {
			Base64.Encoder base64 = Base64.getEncoder();
			Infotext first = infotext(server.post("/sdapi/v1/img2img", request.formatted(true, base64.encodeToString(init), base64.encodeToString(mask))));
			assertEquals("outputs/inputs/" + sha256(init) + ".png", first.settings().get("Init image"), "in the workspace, named relative to it");
			Path initFile = first.toRequest(GenerationRequest.of("", 0), workspace).initImage();
			Path maskFile = first.options(workspace).mask();
			assertArrayEquals(initPixels, pixels(initFile), "Reuse starts from the image sent");
			assertArrayEquals(maskPixels, pixels(maskFile), "and its mask");

			Infotext again = infotext(server.post("/sdapi/v1/img2img", request.formatted(true, base64.encodeToString(init), base64.encodeToString(mask))));
			assertEquals(first.settings().get("Init image"), again.settings().get("Init image"));
			assertEquals(first.settings().get("Mask"), again.settings().get("Mask"));
			infotext(server.post("/sdapi/v1/img2img", request.formatted(false, base64.encodeToString(unsaved), base64.encodeToString(mask))));
			// the mask is kept as the engine takes it (grey, re-encoded), so the files are told apart by their pixels
			List<int[]> kept = kept(inputs).stream().map(InpaintingTest::pixels).toList();
			assertEquals(2, kept.size(), "the init image and the mask once each, no temporary file, nothing of the unsaved request: " + kept(inputs));
			assertEquals(1, kept.stream().filter(p -> Arrays.equals(p, initPixels)).count());
			assertEquals(1, kept.stream().filter(p -> Arrays.equals(p, maskPixels)).count());
		} finally {
			Files.delete(checkpoint);
			// only this test keeps inputs in the runtime's workspace
			for (Path f : kept(inputs)) {
				Files.delete(f);
			}
		}
	}

	/** Every file of the folder, hidden ones too; none where it is absent. */
	private static List<Path> kept(Path folder) throws java.io.IOException {
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(folder)) {
			return files.toList();
		}
	}

	private static Infotext infotext(ServedImages.Reply reply) throws Exception {
		assertEquals(200, reply.status(), reply.body());
		String text = JsonParser.parseString(reply.json().getAsJsonObject().get("info").getAsString()).getAsJsonObject().getAsJsonArray("infotexts").get(0)
				.getAsString();
		return Infotext.parse(text);
	}

	private static int[] pixels(Path file) {
		try {
			return Images.read(file, 1 << 20).pixels();
		} catch (java.io.IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	private static String sha256(byte[] bytes) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
	}

	/** A 64 × 64 RGBA PNG, black, with the alpha {@code alpha} gives (8 bits, filter 0). */
	private static String rgbaPng(java.util.function.IntBinaryOperator alpha) throws Exception {
		java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
		for (int y = 0; y < SIDE; y++) {
			raw.write(0);
			for (int x = 0; x < SIDE; x++) {
				raw.write(new byte[] { 0, 0, 0, (byte) alpha.applyAsInt(x, y) });
			}
		}
		java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
		png.write(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		chunk(png, "IHDR", java.nio.ByteBuffer.allocate(13).putInt(SIDE).putInt(SIDE).put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0)
				.put((byte) 0).array());
		java.io.ByteArrayOutputStream deflated = new java.io.ByteArrayOutputStream();
		try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(deflated)) {
			z.write(raw.toByteArray());
		}
		chunk(png, "IDAT", deflated.toByteArray());
		chunk(png, "IEND", new byte[0]);
		return Base64.getEncoder().encodeToString(png.toByteArray());
	}

	private static void chunk(java.io.ByteArrayOutputStream out, String kind, byte[] data) {
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		byte[] type = kind.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		crc.update(type);
		crc.update(data);
		out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
		out.writeBytes(type);
		out.writeBytes(data);
		out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}

	@Test
	void whatTheEngineDoesNotDoIsRefusedNamingTheField() throws Exception {
		try (ServedImages server = inpaintingServer()) {
			String init = png((x, y) -> 0x808080);
			String mask = png((x, y) -> WHITE);
			Map<String, String> refused = Map.of("\"inpainting_fill\":0", "inpainting_fill", "\"inpainting_fill\":2", "inpainting_fill",
					"\"inpaint_full_res\":true", "inpaint_full_res", "\"inpaint_full_res\":1", "inpaint_full_res", "\"mask_blur\":65", "mask_blur",
					"\"mask_blur\":-1", "mask_blur", "\"inpainting_mask_invert\":2", "inpainting_mask_invert", "\"mask\":\"aGVsbG8=\"", "mask");
			for (Map.Entry<String, String> field : refused.entrySet()) {
				String body = "{\"prompt\":\"x\",\"steps\":2,\"width\":64,\"height\":64,\"init_images\":[\"" + init + "\"],"
						+ (field.getValue().equals("mask") ? "" : "\"mask\":\"" + mask + "\",") + field.getKey() + "}";
				ServedImages.Reply reply = server.post("/sdapi/v1/img2img", body);
				assertEquals(400, reply.status(), field.getKey() + ": " + reply.body());
				assertTrue(reply.json().getAsJsonObject().get("detail").getAsString().contains(field.getValue()), field.getKey() + ": " + reply.body());
			}
		}
	}

	@Test
	void aBlurSpreadsAPixelByOpenCvsGaussianMirroringAtTheBorderAndKeepsAnEvenMask() {
		int[] even = new int[25];
		Arrays.fill(even, 200);
		assertArrayEquals(even, Inpainting.blur(even, 5, 5, 1));
		// σ 1: 7 taps; the pixel at the edge is not mirrored onto itself (OpenCV's BORDER_REFLECT_101)
		int[] edge = new int[9];
		edge[0] = 255;
		double sum = 0;
		for (int d = -3; d <= 3; d++) {
			sum += Math.exp(-d * d / 2.0);
		}
		int[] blurred = Inpainting.blur(edge, 9, 1, 1);
		assertEquals(Math.round(255 / sum), blurred[0]);
		assertEquals(Math.round(255 * Math.exp(-0.5) / sum), blurred[1]);
		assertEquals(Math.round(255 * Math.exp(-4.5) / sum), blurred[3]);
		assertEquals(0, blurred[4]);
	}

	@Test
	void sdModelsGivesACheckpointFilesSha256AndItsFirstTenHexDigitsOnceHashedAndHashesItAgainWhenItChanges() throws Exception {
		Path root = Files.createDirectories(dir.resolve("models/checkpoints"));
		Path file = root.resolve("dreamy.safetensors");
		Files.writeString(file, "weights");
		Files.writeString(Files.createDirectories(root.resolve("folder-model")).resolve("model_index.json"), "{}");
		try (ServedImages server = ServedImages.start(dir)) {
			assertEquals(sha256(file), awaitHash(server, "dreamy", sha256(file)));
			JsonObject dreamy = model(server, "dreamy");
			assertEquals(sha256(file).substring(0, 10), dreamy.get("hash").getAsString());
			assertTrue(model(server, "folder-model").get("sha256").isJsonNull(), "a pipeline folder is no file to hash");
			Files.writeString(file, "other weights");
			assertEquals(sha256(file), awaitHash(server, "dreamy", sha256(file)));
		}
	}

	private static JsonObject model(ServedImages server, String name) throws Exception {
		for (JsonElement m : server.get("/sdapi/v1/sd-models").json().getAsJsonArray()) {
			if (m.getAsJsonObject().get("model_name").getAsString().equals(name)) {
				return m.getAsJsonObject();
			}
		}
		throw new AssertionError(name + " is not listed");
	}

	/** Lists the models until the named one's sha256 is {@code expected} (null until it has been hashed). */
	private static String awaitHash(ServedImages server, String name, String expected) throws Exception {
		while (true) {
			JsonElement sha = model(server, name).get("sha256");
			if (!sha.isJsonNull() && sha.getAsString().equals(expected)) {
				return sha.getAsString();
			}
			Thread.sleep(10);
		}
	}

	private static String sha256(Path file) throws Exception {
		return sha256(Files.readAllBytes(file));
	}
}
