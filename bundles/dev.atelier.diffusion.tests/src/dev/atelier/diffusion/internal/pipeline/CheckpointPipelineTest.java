package dev.atelier.diffusion.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;


import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.core.outputs.Images;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.diffusion.GeneratedImage;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.testing.Psnr;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * A 20-step Euler image with CFG from a checkpoint file through the native engine on the CPU, against diffusers'
 * StableDiffusionPipeline's image for the same weights, seed and prompt, img2img from that image against
 * StableDiffusionImg2ImgPipeline's, SD 2.x, SDXL and inpainting against their pipelines (fixture/engine-sd1, made by releng/diffusion/make_engine_reference.py): issue 15's
 * CPU points, PSNR ≥ 40 dB from an F32 file and ≥ 35 dB from an F16 file.
 */
class CheckpointPipelineTest {

	private static final Path FIXTURE = Path.of("fixture", "engine-sd1").toAbsolutePath();

	private VramLease lease;
	private ComputeContext context;
	private Compute compute;

	@BeforeEach
	void openTheCpu() throws Exception {
		DeviceService devices = Services.await(StableDiffusion.class, DeviceService.class);
		lease = devices.acquire("cpu", LeaseRequest.of("checkpoint pipeline test", 1L << 30));
		context = devices.openContext(lease);
		compute = Services.await(StableDiffusion.class, ComputeRuntime.class).open(context, 2);
	}

	@AfterEach
	void close() {
		context.close();
		lease.close();
	}

	@ParameterizedTest
	@CsvSource({ "F32, false, 40", "F16, false, 35", "F32, true, 40", "F16, true, 35" })
	void aTwentyStepEulerImageEqualsDiffusersPipeline(String dtype, boolean img2img, double minimumPsnr, @TempDir Path dir) throws IOException {
		JsonObject p = JsonParser.parseString(Files.readString(FIXTURE.resolve("pipeline.json"))).getAsJsonObject();
		Path file = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, dtype, dir.resolve("tiny-sd1-" + dtype + ".safetensors"));
		// img2img starts from the txt2img reference image, with its own seed
		GenerationRequest request = request(p, p.get(img2img ? "img2img_seed" : "seed").getAsLong(), img2img ? FIXTURE.resolve("pipeline.png") : null,
				p.get("strength").getAsDouble());
		String what = (img2img ? "img2img" : "txt2img") + " from " + dtype;
		assertPsnr(FIXTURE.resolve(img2img ? "img2img.png" : "pipeline.png"), generate(file, request), minimumPsnr, what);
	}

	/**
	 * SD 2.x, ε and v-prediction (the v file marked by its AUTOMATIC1111 sidecar config, NAME.yaml with
	 * {@code parameterization: "v"}), and SDXL base (two text encoders, the pooled embedding, size conditioning, zeros
	 * for the empty negative prompt, "leading" timesteps, its VAE's scaling), each against diffusers' own pipeline with
	 * its tokenizers (fixture/engine-sd2, engine-sdxl).
	 */
	@ParameterizedTest
	@CsvSource({ "sd2, epsilon, F32, 40", "sd2, epsilon, F16, 35", "sd2, v_prediction, F32, 40", "sd2, v_prediction, F16, 35", "sdxl, epsilon, F32, 40",
			"sdxl, epsilon, F16, 35" })
	void sd2AndSdxlTwentyStepEulerImagesEqualDiffusersPipelines(String family, String prediction, String dtype, double minimumPsnr, @TempDir Path dir)
			throws IOException {
		Path fixture = FIXTURE.resolveSibling("engine-" + family);
		JsonObject p = JsonParser.parseString(Files.readString(fixture.resolve("pipeline.json"))).getAsJsonObject();
		Path file = FormulaWeights.write(family.equals("sd2") ? FormulaWeights.SD2_REFERENCE : FormulaWeights.SDXL_REFERENCE, dtype,
				dir.resolve("tiny-" + family + "-" + dtype + ".safetensors"));
		if (prediction.equals("v_prediction")) {
			Files.writeString(dir.resolve("tiny-" + family + "-" + dtype + ".yaml"), "model:\n  params:\n    parameterization: \"v\"\n");
		}
		List<GeneratedImage> images = generate(file, request(p, p.get("seed").getAsLong(), null, 1));
		String what = family + " " + prediction + " txt2img from " + dtype;
		assertPsnr(fixture.resolve(p.getAsJsonObject("images").get(prediction).getAsString()), images, minimumPsnr, what);
	}

	/**
	 * A 9-channel SD 1.x UNet repainting the mask's white box of the SD 1.x reference image, at full strength (from noise
	 * alone) and at 0.6 (the image noised), against StableDiffusionInpaintPipeline (fixture/engine-sd1-inpaint).
	 */
	@ParameterizedTest
	@CsvSource({ "1.0, F32, 40", "1.0, F16, 35", "0.6, F32, 40", "0.6, F16, 35" })
	void inpaintingEqualsDiffusersInpaintPipeline(String strength, String dtype, double minimumPsnr, @TempDir Path dir) throws IOException {
		Path fixture = FIXTURE.resolveSibling("engine-sd1-inpaint");
		JsonObject p = JsonParser.parseString(Files.readString(fixture.resolve("pipeline.json"))).getAsJsonObject();
		Path file = FormulaWeights.write(FormulaWeights.SD1_REFERENCE.withInChannels(9), dtype, dir.resolve("tiny-sd1-inpaint-" + dtype + ".safetensors"));
		GenerationRequest request = request(p, p.get("seed").getAsLong(), fixture.resolve(p.get("init").getAsString()), Double.parseDouble(strength))
				.withMask(fixture.resolve(p.get("mask").getAsString()));
		assertPsnr(fixture.resolve(p.getAsJsonObject("images").get(strength).getAsString()), generate(file, request), minimumPsnr,
				"inpainting at strength " + strength + " from " + dtype);
	}

	/** Each test has one compute: the model closes it with itself (its release), so one generation per test. */
	@Test
	void aMaskNeedsAnInpaintingModel(@TempDir Path dir) throws IOException {
		Path fixture = FIXTURE.resolveSibling("engine-sd1-inpaint");
		Path sd1 = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16", dir.resolve("tiny-sd1.safetensors"));
		GenerationRequest masked = img2img(fixture).withMask(fixture.resolve("mask.png"));
		IOException e = assertThrows(IOException.class, () -> generate(sd1, masked));
		assertEquals("tiny-sd1: a mask needs an inpainting model (its UNet takes 9 channels; this one takes 4)", e.getMessage());
	}

	@Test
	void anInpaintingModelNeedsAMask(@TempDir Path dir) throws IOException {
		Path inpaint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE.withInChannels(9), "F16", dir.resolve("tiny-inpaint.safetensors"));
		GenerationRequest unmasked = img2img(FIXTURE.resolveSibling("engine-sd1-inpaint"));
		IOException e = assertThrows(IOException.class, () -> generate(inpaint, unmasked));
		assertEquals("tiny-inpaint is an inpainting model: give the image to repaint and its mask (--init IMAGE --mask MASK)", e.getMessage());
	}

	private static GenerationRequest img2img(Path inpaintFixture) throws IOException {
		JsonObject p = JsonParser.parseString(Files.readString(inpaintFixture.resolve("pipeline.json"))).getAsJsonObject();
		return request(p, 1, FIXTURE.resolve("pipeline.png"), 1);
	}

	private static GenerationRequest request(JsonObject p, long seed, Path init, double strength) {
		return new GenerationRequest(p.get("prompt").getAsString(), p.get("negative_prompt").getAsString(), Sampler.parse(p.get("sampler").getAsString()),
				p.get("steps").getAsInt(), p.get("cfg").getAsDouble(), seed, p.get("width").getAsInt(), p.get("height").getAsInt(), 1, init, strength);
	}

	private List<GeneratedImage> generate(Path file, GenerationRequest request) throws IOException {
		try (CheckpointModel model = CheckpointModel.open(file, null, compute, compute, ClipTokenizer.openAi())) {
			return new StableDiffusion(model).generate(request, new GenerationListener() {
			}, () -> false);
		}
	}

	private static void assertPsnr(Path reference, List<GeneratedImage> images, double minimumPsnr, String what) throws IOException {
		assertEquals(1, images.size());
		double psnr = Psnr.of(Images.read(reference, 1 << 24), images.get(0).image());
		System.out.printf("checkpoint pipeline, %s: PSNR %.2f dB against diffusers%n", what, psnr);
		assertTrue(psnr >= minimumPsnr, what + ": PSNR " + psnr + " dB against diffusers' image, under " + minimumPsnr);
	}
}
