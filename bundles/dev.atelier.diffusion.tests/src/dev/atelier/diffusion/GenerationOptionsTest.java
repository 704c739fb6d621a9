package dev.atelier.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LoRA, ControlNet, mask and VAE choices that atelier generate and the Diffusion view both make their request from;
 * what Reuse reads back of them from AUTOMATIC1111's infotext.
 */
class GenerationOptionsTest {

	@TempDir
	Path dir;

	/** Where Reuse runs: what a relative file is in. */
	private static final Path WORKSPACE = Path.of("/home/ann/atelier");
	private static final GenerationRequest BASE = new GenerationRequest("a cat", "", Sampler.EULER, 20, 7, 5, 512, 512, 1, null, 0.6);

	@Test
	void everyChoiceLandsInTheRequestAndReadsBackFromIt() throws IOException {
		Path a = Files.writeString(dir.resolve("a.safetensors"), "");
		Path b = Files.writeString(dir.resolve("b.safetensors"), "");
		Path hint = Files.writeString(dir.resolve("edges.png"), "");
		Path init = dir.resolve("start.png");
		Path mask = dir.resolve("mask.png");
		GenerationOptions o = new GenerationOptions(List.of(a.toString(), b + ":-0.25"), Path.of("control_canny"), hint, 1.5, 0.1, 0.8, true, mask,
				Path.of("ft-mse"), true);
		GenerationRequest r = o.applyTo(BASE.withInit(init, 0.5), GenerationOptions.Names.CLI);
		assertEquals(List.of(new LoraChoice(a, 1), new LoraChoice(b, -0.25)), r.loras());
		assertEquals(new ControlChoice(Path.of("control_canny"), hint, 1.5, 0.1, 0.8, true), r.control());
		assertEquals(mask, r.mask());
		assertEquals(Path.of("ft-mse"), r.vae());
		assertEquals(true, r.tileVae());
		assertEquals(BASE.withInit(init, 0.5), r.withLoras(List.of()).withControl(null).withMask(null).withVae(null).withTileVae(false),
				"the base request's own values stay");
		assertEquals(r, GenerationOptions.of(r).applyTo(BASE.withInit(init, 0.5), GenerationOptions.Names.VIEW), "of() gives the choices back");
		assertEquals(BASE, GenerationOptions.NONE.applyTo(BASE, GenerationOptions.Names.CLI));
	}

	@Test
	void wrongChoicesAreRefusedNamingTheOptionAsTheCommandLineOrTheViewCallsIt() throws IOException {
		Path hint = Files.writeString(dir.resolve("edges.png"), "");
		Path absent = dir.resolve("absent.safetensors");
		GenerationOptions missingLora = new GenerationOptions(List.of(absent + ":0.5"), null, null, 1, 0, 1, false, null, null, false);
		assertEquals("--lora " + absent + ":0.5: no such file " + absent, message(missingLora, GenerationOptions.Names.CLI));
		assertEquals("LoRA " + absent + ":0.5: no such file " + absent, message(missingLora, GenerationOptions.Names.VIEW));
		GenerationOptions noImage = new GenerationOptions(List.of(), Path.of("c"), null, 1, 0, 1, false, null, null, false);
		assertEquals("--controlnet needs --control-image IMAGE", message(noImage, GenerationOptions.Names.CLI));
		assertEquals("ControlNet needs a control image", message(noImage, GenerationOptions.Names.VIEW));
		GenerationOptions noNet = new GenerationOptions(List.of(), null, hint, 1, 0, 1, false, null, null, false);
		assertEquals("Control image needs a ControlNet", message(noNet, GenerationOptions.Names.VIEW));
		GenerationOptions cannyAlone = new GenerationOptions(List.of(), null, null, 1, 0, 1, true, null, null, false);
		assertEquals("--canny needs --controlnet FILE", message(cannyAlone, GenerationOptions.Names.CLI));
		GenerationOptions window = new GenerationOptions(List.of(), Path.of("c"), hint, 1, 0.8, 0.2, false, null, null, false);
		assertEquals("the ControlNet's start and end must be fractions of the steps with 0 ≤ start < end ≤ 1, not 0.8 and 0.2",
				message(window, GenerationOptions.Names.VIEW));
		GenerationOptions maskAlone = new GenerationOptions(List.of(), null, null, 1, 0, 1, false, dir.resolve("m.png"), null, false);
		assertEquals("a mask needs the image it masks (an init image)", message(maskAlone, GenerationOptions.Names.VIEW));
	}

	@Test
	void theViewsRequestIsMadeWithoutLookingAtTheFilesWhichAreCheckedApart() throws IOException {
		Path absent = dir.resolve("absent.safetensors");
		Path edges = dir.resolve("edges.png");
		GenerationOptions o = new GenerationOptions(List.of(absent + ":0.5"), Path.of("c"), edges, 1, 0, 1, false, null, null, false);
		GenerationRequest r = o.unchecked(BASE, GenerationOptions.Names.VIEW);
		assertEquals(List.of(new LoraChoice(absent, 0.5)), r.loras());
		assertEquals(Optional.of("LoRA " + absent + ":0.5: no such file " + absent), o.missingFile(GenerationOptions.Names.VIEW));
		Files.writeString(absent, "");
		assertEquals(Optional.of("Control image " + edges + ": no such file"), o.missingFile(GenerationOptions.Names.VIEW));
		Files.writeString(edges, "");
		assertEquals(Optional.empty(), o.missingFile(GenerationOptions.Names.VIEW));
		assertEquals(r, o.applyTo(BASE, GenerationOptions.Names.VIEW), "applyTo's request, once the files are there");
		GenerationOptions noImage = new GenerationOptions(List.of(), Path.of("c"), null, 1, 0, 1, false, null, null, false);
		assertEquals("ControlNet needs a control image",
				assertThrows(IllegalArgumentException.class, () -> noImage.unchecked(BASE, GenerationOptions.Names.VIEW)).getMessage(),
				"what is wrong without the file system is said at once");
	}

	private static String message(GenerationOptions o, GenerationOptions.Names names) {
		return assertThrows(IllegalArgumentException.class, () -> o.applyTo(BASE, names)).getMessage();
	}

	@Test
	void reuseReadsTheControlNetUnitAndTheVaeBackFromAutomatic1111sInfotext() {
		GenerationRequest r = BASE.withInit(Path.of("start.png"), 0.5).withControl(new ControlChoice(Path.of("/m/control_tiny_canny.safetensors"),
				Path.of("edges.png"), 1.5, 0.25, 0.5, true)).withVae(Path.of("/m/vae/ft-mse.safetensors"));
		Infotext written = Infotext.parse(Infotext.of(r, 0, "m", "h", java.util.Map.of(), new Infotext.ControlRun("0123abcd", 512)).text());
		assertEquals("ft-mse.safetensors", written.settings().get("VAE"));
		assertEquals(new GenerationOptions(List.of(), Path.of("control_tiny_canny"), null, 1.5, 0.25, 0.5, true, null, Path.of("ft-mse.safetensors"), false),
				written.options(WORKSPACE), "the ControlNet by its name, which models/controlnet has; no control image is recorded");
		assertEquals(GenerationOptions.NONE, Infotext.parse("a cat\nSteps: 20, Sampler: Euler, Seed: 5").options(WORKSPACE));
		Infotext a1111 = Infotext.parse("a house\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512, ControlNet 0: \"Module: none, "
				+ "Model: control_v11p_sd15_lineart [43d4be0d], Weight: 0.8, Resize Mode: Crop and Resize, Guidance Start: 0, Guidance End: 1\", VAE: None");
		assertEquals(new GenerationOptions(List.of(), Path.of("control_v11p_sd15_lineart"), null, 0.8, 0, 1, false, null, null, false), a1111.options(WORKSPACE));
	}

	/** The init image in the workspace (kept relative to it), the mask outside it (kept absolute): both come back as they were. */
	@Test
	void reuseReadsTheInitImageMaskAndTiledVaeBackToTheRequestTheImageWasMadeWith() {
		GenerationRequest r = BASE.withInit(WORKSPACE.resolve("pictures/door.png"), 0.35).withMask(Path.of("/pictures/door-mask.png")).withTileVae(true)
				.withVae(Path.of("/m/vae/ft-mse.safetensors"));
		Infotext written = Infotext.parse(Infotext.of(r, 0, "sd-inpainting", "h").inWorkspace(WORKSPACE).text());
		assertEquals(new GenerationOptions(List.of(), null, null, 1, 0, 1, false, Path.of("/pictures/door-mask.png"), Path.of("ft-mse.safetensors"), true),
				written.options(WORKSPACE));
		assertEquals(r.withVae(Path.of("ft-mse.safetensors")),
				written.options(WORKSPACE).applyTo(written.toRequest(GenerationRequest.of("", 0), WORKSPACE), GenerationOptions.Names.VIEW),
				"the same request, the VAE by its name in models/vae");
	}
}
