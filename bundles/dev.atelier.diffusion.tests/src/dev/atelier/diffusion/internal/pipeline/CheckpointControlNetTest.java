package dev.atelier.diffusion.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.diffusion.ControlChoice;
import dev.atelier.diffusion.GeneratedImage;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.testing.Psnr;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * A 20-step Euler image with CFG and a ControlNet (strength 0.7, from 10 % to 60 % of the steps) from the reduced SD 1.x
 * checkpoint and ControlNet files through the native engine on the CPU, against diffusers'
 * StableDiffusionControlNetPipeline's image for the same weights, seed, prompt and control image
 * (fixture/engine-sd1-controlnet, made by releng/diffusion/make_engine_reference.py --what controlnet).
 */
class CheckpointControlNetTest {

	private static final Path FIXTURE = Path.of("fixture", "engine-sd1-controlnet").toAbsolutePath();

	private VramLease lease;
	private ComputeContext context;
	private Compute compute;

	@BeforeEach
	void openTheCpu() throws Exception {
		DeviceService devices = Services.await(StableDiffusion.class, DeviceService.class);
		lease = devices.acquire("cpu", LeaseRequest.of("ControlNet pipeline test", 1L << 30));
		context = devices.openContext(lease);
		compute = Services.await(StableDiffusion.class, ComputeRuntime.class).open(context, 2);
	}

	@AfterEach
	void close() {
		context.close();
		lease.close();
	}

	private static JsonObject fixture() throws IOException {
		return JsonParser.parseString(Files.readString(FIXTURE.resolve("controlnet.json"))).getAsJsonObject();
	}

	private static GenerationRequest request(JsonObject p) {
		return new GenerationRequest(p.get("prompt").getAsString(), p.get("negative_prompt").getAsString(), Sampler.parse(p.get("sampler").getAsString()),
				p.get("steps").getAsInt(), p.get("cfg").getAsDouble(), p.get("seed").getAsLong(), p.get("width").getAsInt(), p.get("height").getAsInt(), 1, null,
				1);
	}

	private static Path controlNet(JsonObject p, String dtype, Path dir) throws IOException {
		int[] hint = p.getAsJsonArray("hint_channels").asList().stream().mapToInt(JsonElement::getAsInt).toArray();
		return FormulaWeights.writeControlNet(FormulaWeights.SD1_REFERENCE, hint, dtype, dir.resolve("control-tiny-" + dtype + ".safetensors"));
	}

	/** The requests' images, one model for all (the model closes the test's compute with itself). */
	private List<GeneratedImage> generate(Path file, GenerationRequest... requests) throws IOException {
		try (CheckpointModel model = CheckpointModel.open(file, null, compute, compute, ClipTokenizer.openAi())) {
			StableDiffusion pipeline = new StableDiffusion(model);
			List<GeneratedImage> images = new ArrayList<>();
			for (GenerationRequest r : requests) {
				images.addAll(pipeline.generate(r, new GenerationListener() {
				}, () -> false));
			}
			return images;
		}
	}

	@ParameterizedTest
	@CsvSource({ "F32, 40", "F16, 35" })
	void aControlNetImageEqualsDiffusersControlNetPipeline(String dtype, double minimumPsnr, @TempDir Path dir) throws IOException {
		JsonObject p = fixture();
		Path checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, dtype, dir.resolve("tiny-sd1-" + dtype + ".safetensors"));
		ControlChoice control = new ControlChoice(controlNet(p, dtype, dir), FIXTURE.resolve("control.png"), p.get("strength").getAsDouble(),
				p.get("start").getAsDouble(), p.get("end").getAsDouble(), false);
		GeneratedImage image = generate(checkpoint, request(p).withControl(control)).getFirst();
		double psnr = Psnr.of(Images.read(FIXTURE.resolve("controlnet.png"), 1 << 24), image.image());
		System.out.printf("ControlNet pipeline from %s: PSNR %.2f dB against diffusers%n", dtype, psnr);
		assertTrue(psnr >= minimumPsnr, "PSNR " + psnr + " dB against diffusers' ControlNet image, under " + minimumPsnr);
		String cn = image.infotext().settings().get("ControlNet 0");
		assertEquals("Module: none, Model: control-tiny-" + dtype + " [" + sha256(control.model()).substring(0, 8) + "], Weight: 0.7, Resize Mode: Crop and Resize, "
				+ "Processor Res: 64, Threshold A: 0.5, Threshold B: 0.5, Guidance Start: 0.1, Guidance End: 0.6, Pixel Perfect: True, Control Mode: Balanced", cn);
		assertTrue(image.infotext().text().contains("ControlNet 0: \"Module: none, Model: control-tiny-"), image.infotext().text());
	}

	@Test
	void strengthZeroGivesTheImageWithoutTheControlNetAndTheNextJobRunsWithoutIt(@TempDir Path dir) throws IOException {
		JsonObject p = fixture();
		Path checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F32", dir.resolve("tiny-sd1.safetensors"));
		GenerationRequest plain = request(p).withSteps(4);
		ControlChoice zero = new ControlChoice(controlNet(p, "F32", dir), FIXTURE.resolve("control.png"), 0, 0, 1, true);
		ControlChoice full = new ControlChoice(zero.model(), zero.image(), 1, 0, 1, true);
		List<GeneratedImage> images = generate(checkpoint, plain, plain.withControl(zero), plain.withControl(full), plain);
		RgbImage without = images.get(0).image();
		assertTrue(Psnr.largestDifference(without, images.get(1).image()) <= 1, "strength 0 is the image without a ControlNet");
		assertTrue(Psnr.largestDifference(without, images.get(2).image()) > 8, "strength 1 changes the image");
		assertTrue(Psnr.largestDifference(without, images.get(3).image()) <= 1, "the next job without it is the plain image again");
		assertTrue(images.get(2).infotext().settings().get("ControlNet 0").startsWith("Module: canny,"));
		assertEquals(null, images.get(3).infotext().settings().get("ControlNet 0"));
	}


	@Test
	void theControlImageIsCroppedToTheAspectThenResized() {
		RgbImage wide = new RgbImage(40, 10);
		for (int x = 0; x < 40; x++) {
			for (int y = 0; y < 10; y++) {
				wide.setRgb(x, y, x < 15 || x >= 25 ? 0xFF0000 : 0x00FF00);
			}
		}
		// a square crop of the middle 10 columns, all green, then 20×20
		RgbImage square = StableDiffusion.cropAndResize(wide, 20, 20);
		assertEquals(20, square.width());
		assertEquals(20, square.height());
		for (int px : square.pixels()) {
			assertEquals(0x00FF00, px & 0xFFFFFF);
		}
	}

	static String sha256(Path file) throws IOException {
		try {
			return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
		} catch (java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
