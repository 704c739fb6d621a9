package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.Psnr;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * {@code atelier generate --model FILE.safetensors --device cpu}: a checkpoint file through the CLI, the diffusion queue
 * and the native engine, against diffusers' image of the same weights, prompt and seed (fixture/engine-sd1).
 */
class GenerateCheckpointTest extends TinySd1Queue {

	private static final Path FIXTURE = Path.of("fixture", "engine-sd1").toAbsolutePath();

	/** The reference's prompt, sampler, steps and guidance; {@code seed} and {@code more} as each test needs. */
	private GenerateRun generate(String seed, String... more) {
		return generate(checkpoint, seed, more);
	}

	private GenerateRun generate(Path model, String seed, String... more) {
		List<String> args = new ArrayList<>(List.of("generate", "--model", model.toString(), "--device", "cpu", "--prompt", "a photo of a cat",
				"--sampler", "euler", "--steps", "20", "--cfg", "7.5", "--seed", seed, "--size", "64x64"));
		args.addAll(List.of(more));
		return GenerateRun.of(diffusion, args);
	}

	@Test
	void anSd1CheckpointFileGivesDiffusersImageWithItsParametersInThePng() throws IOException {
		GenerateRun run = generate("1234");
		assertEquals(0, run.code(), run.err());
		Path png = Path.of(run.out().strip());
		double psnr = Psnr.of(Images.read(FIXTURE.resolve("pipeline.png"), 1 << 24), Images.read(png, 1 << 24));
		assertTrue(psnr >= 35, "PSNR " + psnr + " dB against diffusers' image from the F16 file");
		Map<String, String> settings = Infotext.parse(PngInfo.read(png).get(Infotext.CHUNK)).settings();
		assertEquals("tiny-sd1", settings.get("Model"));
		assertEquals("1234", settings.get("Seed"));
		assertEquals("Euler", settings.get("Sampler"));
	}

	@Test
	void img2imgFromACheckpointFileGivesDiffusersImage() throws IOException {
		GenerateRun run = generate("99", "--init", FIXTURE.resolve("pipeline.png").toString(), "--strength", "0.6");
		assertEquals(0, run.code(), run.err());
		double psnr = Psnr.of(Images.read(FIXTURE.resolve("img2img.png"), 1 << 24), Images.read(Path.of(run.out().strip()), 1 << 24));
		assertTrue(psnr >= 35, "PSNR " + psnr + " dB against diffusers' img2img from the F16 file");
	}

	@Test
	void anSdxlCheckpointFileGivesDiffusersSdxlPipelineImage() throws IOException {
		Path sdxl = FormulaWeights.write(FormulaWeights.SDXL_REFERENCE, "F16", root.resolve("tiny-sdxl.safetensors"));
		GenerateRun run = generate(sdxl, "1234");
		assertEquals(0, run.code(), run.err());
		Path png = Path.of(run.out().strip());
		double psnr = Psnr.of(Images.read(FIXTURE.resolveSibling("engine-sdxl").resolve("pipeline.png"), 1 << 24), Images.read(png, 1 << 24));
		assertTrue(psnr >= 35, "PSNR " + psnr + " dB against StableDiffusionXLPipeline's image from the F16 file");
		assertEquals("tiny-sdxl", Infotext.parse(PngInfo.read(png).get(Infotext.CHUNK)).settings().get("Model"));
	}

	@Test
	void anSd2VPredictionCheckpointWithItsSidecarConfigGivesDiffusersImage() throws IOException {
		Path sd2 = FormulaWeights.write(FormulaWeights.SD2_REFERENCE, "F16", root.resolve("tiny-sd2-v.safetensors"));
		Files.writeString(root.resolve("tiny-sd2-v.yaml"), "model:\n  params:\n    parameterization: \"v\"\n");
		GenerateRun run = generate(sd2, "1234");
		assertEquals(0, run.code(), run.err());
		double psnr = Psnr.of(Images.read(FIXTURE.resolveSibling("engine-sd2").resolve("pipeline-v.png"), 1 << 24),
				Images.read(Path.of(run.out().strip()), 1 << 24));
		assertTrue(psnr >= 35, "PSNR " + psnr + " dB against diffusers' v-prediction image from the F16 file");
	}

	@Test
	void anInpaintingCheckpointRepaintsTheMasksWhiteAreaAsDiffusersDoes() throws IOException {
		Path inpaint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE.withInChannels(9), "F16", root.resolve("tiny-inpaint.safetensors"));
		Path fixture = FIXTURE.resolveSibling("engine-sd1-inpaint");
		// the mask in the queue's workspace, the init image outside it
		Path mask = Files.copy(fixture.resolve("mask.png"), Files.createDirectories(root.resolve("masks")).resolve("door.png"));
		GenerateRun run = generate(inpaint, "77", "--init", FIXTURE.resolve("pipeline.png").toString(), "--mask", mask.toString(), "--strength", "1");
		assertEquals(0, run.code(), run.err());
		double psnr = Psnr.of(Images.read(fixture.resolve("inpaint-1.0.png"), 1 << 24), Images.read(Path.of(run.out().strip()), 1 << 24));
		assertTrue(psnr >= 35, "PSNR " + psnr + " dB against StableDiffusionInpaintPipeline's image from the F16 file");
		Infotext reused = Infotext.parse(PngInfo.read(Path.of(run.out().strip())).get(Infotext.CHUNK));
		assertEquals("masks/door.png", reused.settings().get("Mask"), "a file in the workspace is named relative to it");
		assertEquals(FIXTURE.resolve("pipeline.png").normalize().toString(), reused.settings().get("Init image"), "one outside it by its absolute path");
		assertEquals(FIXTURE.resolve("pipeline.png").normalize(), reused.toRequest(GenerationRequest.of("", 0), root).initImage(), "Reuse starts from it again");
		assertEquals(mask, reused.options(root).mask(), "and chooses the mask again");
	}
}
