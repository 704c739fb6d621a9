package dev.atelier.diffusion.internal;

import static dev.atelier.diffusion.internal.GenerateRun.largestDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.Infotext;
import dev.atelier.testing.checkpoints.FormulaWeights;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/**
 * {@code atelier generate --controlnet FILE --control-image IMG [--control-strength S] [--control-start F]
 * [--control-end F] [--canny]} on the reduced SD 1.x checkpoint and ControlNet through the CLI, the queue and the native
 * engine: the image it changes, AUTOMATIC1111's infotext, a bare name from {@code models/controlnet}, and bad input.
 */
class GenerateControlNetTest extends TinySd1Queue {

	private static final int[] HINT = { 16, 32, 32, 64 };
	private static final Path CONTROL_IMAGE = Path.of("fixture", "engine-sd1-controlnet", "control.png").toAbsolutePath();

	private Path controlNet;

	@BeforeEach
	void writeItsFiles() throws Exception {
		controlNet = FormulaWeights.writeControlNet(FormulaWeights.SD1_REFERENCE, HINT, "F16", root.resolve("control_tiny_canny.safetensors"));
	}

	private GenerateRun generate(String... more) {
		List<String> args = new ArrayList<>(List.of("generate", "--model", checkpoint.toString(), "--device", "cpu", "--prompt", "a photo of a cat",
				"--sampler", "euler", "--steps", "4", "--cfg", "7.5", "--seed", "1234", "--size", "64x64"));
		args.addAll(List.of(more));
		return GenerateRun.of(diffusion, args);
	}

	@Test
	void aControlNetWithCannyChangesTheImageAndTheInfotextRecordsIt() throws IOException {
		Path plain = generate().png();
		Path with = generate("--controlnet", controlNet.toString(), "--control-image", CONTROL_IMAGE.toString(), "--canny", "--control-strength", "1.5",
				"--control-end", "0.5").png();
		assertTrue(largestDifference(plain, with) > 8, "the ControlNet changes the image: " + largestDifference(plain, with) + " levels at most");
		String text = PngInfo.read(with).get(Infotext.CHUNK);
		String unit = Infotext.parse(text).settings().get("ControlNet 0");
		assertTrue(unit.startsWith("Module: canny, Model: control_tiny_canny ["), unit);
		assertTrue(unit.contains(", Weight: 1.5, Resize Mode: Crop and Resize, Processor Res: 64, Threshold A: 100.0, Threshold B: 200.0, Guidance Start: 0.0, "
				+ "Guidance End: 0.5, Pixel Perfect: True, Control Mode: Balanced"), unit);
		assertTrue(text.contains("ControlNet 0: \"Module: canny, "), "quoted as AUTOMATIC1111 quotes it: " + text);
		Path after = generate().png();
		assertTrue(largestDifference(plain, after) <= 1, "the next job without it: " + largestDifference(plain, after) + " levels from the first image");
		assertFalse(Infotext.parse(PngInfo.read(after).get(Infotext.CHUNK)).settings().containsKey("ControlNet 0"));
	}

	@Test
	void aBareNameIsTakenFromTheWorkspacesControlNetFolder() throws IOException {
		Path folder = Files.createDirectories(root.resolve("models/controlnet"));
		Files.copy(controlNet, folder.resolve("control_tiny_canny.safetensors"));
		Path byFile = generate("--controlnet", controlNet.toString(), "--control-image", CONTROL_IMAGE.toString()).png();
		Path byName = generate("--controlnet", "control_tiny_canny", "--control-image", CONTROL_IMAGE.toString()).png();
		assertTrue(largestDifference(byFile, byName) <= 1, "by name: " + largestDifference(byFile, byName) + " levels from by file");
		GenerateRun missing = generate("--controlnet", "nope", "--control-image", CONTROL_IMAGE.toString());
		assertEquals(1, missing.code());
		assertTrue(missing.err().contains("nope: no such ControlNet file, nor one of that name (.safetensors, .pth, .ckpt) in " + folder), missing.err());
	}

	@Test
	void badControlNetOptionsAreRefusedSayingWhy() throws IOException {
		GenerateRun noImage = generate("--controlnet", controlNet.toString());
		assertEquals(2, noImage.code(), noImage.err());
		assertTrue(noImage.err().contains("--controlnet needs --control-image IMAGE"), noImage.err());
		GenerateRun noNet = generate("--control-image", CONTROL_IMAGE.toString());
		assertEquals(2, noNet.code());
		assertTrue(noNet.err().contains("--control-image needs --controlnet FILE"), noNet.err());
		GenerateRun absentImage = generate("--controlnet", controlNet.toString(), "--control-image", root.resolve("absent.png").toString());
		assertEquals(2, absentImage.code());
		assertTrue(absentImage.err().contains("--control-image " + root.resolve("absent.png") + ": no such file"), absentImage.err());
		GenerateRun strength = generate("--controlnet", controlNet.toString(), "--control-image", CONTROL_IMAGE.toString(), "--control-strength", "3");
		assertEquals(2, strength.code());
		assertTrue(strength.err().contains("the ControlNet's strength must be in 0..2, not 3.0"), strength.err());
		GenerateRun window = generate("--controlnet", controlNet.toString(), "--control-image", CONTROL_IMAGE.toString(), "--control-start", "0.8",
				"--control-end", "0.2");
		assertEquals(2, window.code());
		assertTrue(window.err().contains("0 ≤ start < end ≤ 1, not 0.8 and 0.2"), window.err());

		// a file that is no ControlNet, and one missing tensors: refused naming the file and what is wrong
		GenerateRun checkpointAsControl = generate("--controlnet", checkpoint.toString(), "--control-image", CONTROL_IMAGE.toString());
		assertEquals(1, checkpointAsControl.code());
		assertTrue(checkpointAsControl.err().contains(checkpoint + ": not a ControlNet"), checkpointAsControl.err());
		Map<String, long[]> shapes = new LinkedHashMap<>(LdmLayout.controlNet(FormulaWeights.SD1_REFERENCE, HINT));
		shapes.remove("control_model.input_hint_block.2.weight");
		Path partial = new SafetensorsWriter().weights(shapes, "F16").write(root.resolve("partial.safetensors"));
		GenerateRun incomplete = generate("--controlnet", partial.toString(), "--control-image", CONTROL_IMAGE.toString());
		assertEquals(1, incomplete.code());
		assertTrue(incomplete.err().contains(partial + ": ControlNet (ControlNet-v1.1 (ldm), ") && incomplete.err().contains("missing 1 tensors: "
				+ "controlnet_cond_embedding.blocks.0.weight"), incomplete.err());
	}
}
