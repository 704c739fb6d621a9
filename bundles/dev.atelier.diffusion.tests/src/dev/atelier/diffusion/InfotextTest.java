package dev.atelier.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;


import org.junit.jupiter.api.Test;

import dev.atelier.diffusion.Sampler;

class InfotextTest {

	/** Where Reuse runs: what a relative file is in. */
	private static final Path WORKSPACE = Path.of("/home/ann/atelier");

	@Test
	void parametersAreWrittenInAutomatic1111sFormat() {
		GenerationRequest r = new GenerationRequest("a cat, oil painting", "blurry", Sampler.DPMPP_2M_KARRAS, 25, 7.5, 1000, 512, 768, 2, null, 0.6);
		assertEquals("a cat, oil painting\nNegative prompt: blurry\n"
				+ "Steps: 25, Sampler: DPM++ 2M Karras, CFG scale: 7.5, Seed: 1001, Size: 512x768, Model hash: 0123456789, Model: tiny-sd",
				Infotext.of(r, 1, "tiny-sd", "0123456789").text());
		assertEquals("a cat\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 512x512, Model hash: h, Model: m",
				Infotext.of(new GenerationRequest("a cat", "", Sampler.EULER_A, 20, 7, 5, 512, 512, 1, null, 0.6), 0, "m", "h").text(),
				"no negative prompt line when there is none");
	}

	@Test
	void loraFilesAreWrittenAsPromptTagsWithAutomatic1111sLoraHashes() {
		GenerationRequest r = new GenerationRequest("a cat <lora:style:0.5>", "", Sampler.EULER, 20, 7, 5, 512, 512, 1, null, 0.6)
				.withLoras(List.of(LoraChoice.parse("/loras/add,detail.safetensors:0.8")));
		Map<String, String> hashes = new LinkedHashMap<>();
		hashes.put("style", "0123456789ab");
		hashes.put("add,detail", "ba9876543210");
		assertEquals("a cat <lora:style:0.5> <lora:add,detail:0.8>\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 5, Size: 512x512, Model hash: h, Model: m, "
				+ "Lora hashes: \"style: 0123456789ab, adddetail: ba9876543210\"", Infotext.of(r, 0, "m", "h", hashes).text());
	}

	@Test
	void anInpaintingRequestRecordsItsInitImageAndMaskFilesAndTheTiledVae() {
		GenerationRequest r = new GenerationRequest("a red door", "", Sampler.EULER, 20, 7, 5, 512, 768, 1, Path.of("/pictures/my, photos/door.png"), 0.35)
				.withMask(Path.of("/pictures/door-mask.png")).withTileVae(true);
		assertEquals("a red door\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 5, Size: 512x768, Model hash: h, Model: sd-inpainting, "
				+ "Denoising strength: 0.35, Init image: \"/pictures/my, photos/door.png\", Mask: /pictures/door-mask.png, Tiled VAE: True",
				Infotext.of(r, 0, "sd-inpainting", "h").text(), "a file with a comma quoted, as any value");
	}

	@Test
	void aRelativeFileIsRecordedAbsoluteSoThatReuseFindsItFromAnotherFolder() {
		GenerationRequest r = GenerationRequest.of("a door", 5).withInit(Path.of("start.png"), 0.6).withMask(Path.of("masks", "..", "mask.png"));
		Map<String, String> settings = Infotext.of(r, 0, "m", "h").settings();
		assertEquals(Path.of("start.png").toAbsolutePath().toString(), settings.get("Init image"));
		assertEquals(Path.of("mask.png").toAbsolutePath().toString(), settings.get("Mask"));
	}

	@Test
	void filesInTheWorkspaceAreKeptRelativeToItWithForwardSlashesAndReuseFindsThemInTheWorkspaceItRunsIn() {
		GenerationRequest r = GenerationRequest.of("a door", 5).withInit(WORKSPACE.resolve("outputs/inputs/0a1b.png"), 0.6)
				.withMask(Path.of("/home/ann/atelier-old/door-mask.png"));
		Infotext kept = Infotext.parse(Infotext.of(r, 0, "m", "h").inWorkspace(WORKSPACE).text());
		assertEquals("outputs/inputs/0a1b.png", kept.settings().get("Init image"), "no home folder in the image");
		assertEquals("/home/ann/atelier-old/door-mask.png", kept.settings().get("Mask"), "a file outside the workspace stays absolute");
		assertEquals(WORKSPACE.resolve("outputs/inputs/0a1b.png"), kept.toRequest(GenerationRequest.of("", 0), WORKSPACE).initImage());
		Path moved = Path.of("/data/atelier");
		assertEquals(moved.resolve("outputs/inputs/0a1b.png"), kept.toRequest(GenerationRequest.of("", 0), moved).initImage(),
				"found in the workspace Reuse runs in");
		assertEquals(Path.of("/home/ann/atelier-old/door-mask.png"), kept.options(moved).mask());
		GenerationRequest mask = r.withMask(WORKSPACE.resolve("masks/door.png"));
		assertEquals("masks/door.png", Infotext.of(mask, 0, "m", "h").inWorkspace(WORKSPACE).settings().get("Mask"));
		assertEquals(moved.resolve("masks/door.png"), Infotext.of(mask, 0, "m", "h").inWorkspace(WORKSPACE).options(moved).mask());
	}

	@Test
	void textWithoutTheFilesOrTilingReusesAsBeforeAndBadValuesKeepDefaults() {
		// AUTOMATIC1111's own inpainting: a denoising strength and a mask blur, but no file to start from
		Infotext a1111 = Infotext.parse("a door\nSteps: 20, Sampler: Euler, CFG scale: 7, Seed: 5, Size: 512x512, Denoising strength: 0.4, Mask blur: 4");
		GenerationRequest r = a1111.toRequest(GenerationRequest.of("", 0), WORKSPACE);
		assertNull(r.initImage());
		assertEquals(0.75, r.strength());
		assertEquals(GenerationOptions.NONE, a1111.options(WORKSPACE));
		Infotext odd = Infotext.parse("a door\nSteps: 20, Seed: 5, Init image: /a.png, Denoising strength: 3, Mask: None, Tiled VAE: maybe");
		GenerationRequest oddRequest = odd.toRequest(GenerationRequest.of("", 0), WORKSPACE);
		assertEquals(Path.of("/a.png"), oddRequest.initImage());
		assertEquals(0.75, oddRequest.strength(), "a strength out of (0, 1] is the default's");
		assertNull(odd.options(WORKSPACE).mask());
		assertFalse(odd.options(WORKSPACE).tileVae());
	}

	@Test
	void aLoraOptionIsAFileWithAnOptionalWeight() {
		assertEquals(new LoraChoice(Path.of("a.safetensors"), 1), LoraChoice.parse("a.safetensors"));
		assertEquals(new LoraChoice(Path.of("/x/a.safetensors"), -0.5), LoraChoice.parse("/x/a.safetensors:-0.5"));
		assertEquals(new LoraChoice(Path.of("C:\\loras\\a.safetensors"), 1), LoraChoice.parse("C:\\loras\\a.safetensors"), "a drive letter is no weight");
		assertEquals("a", LoraChoice.parse("/x/a.safetensors:2").name());
	}

	@Test
	void automatic1111TextIsReadBackIncludingQuotedValues() {
		String text = "masterpiece, a castle\non a hill\nNegative prompt: lowres, bad anatomy\n"
				+ "Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 3845051211, Size: 768x512, Model hash: 6ce0161689, "
				+ "Model: v1-5-pruned-emaonly, Lora hashes: \"add_detail: 7c6bad76eb54, x: 1\", Version: v1.6.0";
		Infotext info = Infotext.parse(text);
		assertEquals("masterpiece, a castle\non a hill", info.prompt());
		assertEquals("lowres, bad anatomy", info.negativePrompt());
		assertEquals("add_detail: 7c6bad76eb54, x: 1", info.settings().get("Lora hashes"));
		assertEquals("v1.6.0", info.settings().get("Version"));
		GenerationRequest r = info.toRequest(GenerationRequest.of("", 0), WORKSPACE);
		assertEquals(30, r.steps());
		assertEquals(Sampler.DPMPP_2M_KARRAS, r.sampler());
		assertEquals(6.5, r.cfgScale());
		assertEquals(3845051211L, r.seed());
		assertEquals(768, r.width());
		assertEquals(512, r.height());
		assertEquals(Infotext.parse(info.text()), info, "text() and parse() are inverse");
	}

	@Test
	void textWithoutSettingsIsAllPromptAndBadSettingsKeepDefaults() {
		assertEquals("just a prompt", Infotext.parse("just a prompt").prompt());
		Infotext odd = Infotext.parse("p\nSteps: many, Sampler: Nope, Seed: 12, Size: 7x");
		GenerationRequest r = odd.toRequest(GenerationRequest.of("", 99), WORKSPACE);
		assertEquals(20, r.steps());
		assertEquals(Sampler.EULER_A, r.sampler());
		assertEquals(12, r.seed());
		assertEquals(512, r.width());
	}
}
