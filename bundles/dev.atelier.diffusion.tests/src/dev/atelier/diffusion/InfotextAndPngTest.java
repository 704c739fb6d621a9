package dev.atelier.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.diffusion.scheduler.Sampler;

class InfotextAndPngTest {

	@TempDir
	Path dir;

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
	void automatic1111TextIsReadBackIncludingQuotedValues() {
		String text = "masterpiece, a castle\non a hill\nNegative prompt: lowres, bad anatomy\n"
				+ "Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 3845051211, Size: 768x512, Model hash: 6ce0161689, "
				+ "Model: v1-5-pruned-emaonly, Lora hashes: \"add_detail: 7c6bad76eb54, x: 1\", Version: v1.6.0";
		Infotext info = Infotext.parse(text);
		assertEquals("masterpiece, a castle\non a hill", info.prompt());
		assertEquals("lowres, bad anatomy", info.negativePrompt());
		assertEquals("add_detail: 7c6bad76eb54, x: 1", info.settings().get("Lora hashes"));
		assertEquals("v1.6.0", info.settings().get("Version"));
		GenerationRequest r = info.toRequest(GenerationRequest.of("", 0));
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
		GenerationRequest r = odd.toRequest(GenerationRequest.of("", 99));
		assertEquals(20, r.steps());
		assertEquals(Sampler.EULER_A, r.sampler());
		assertEquals(12, r.seed());
		assertEquals(512, r.width());
	}

	@Test
	void pngTextChunksRoundTripLatin1AndUnicode() throws IOException {
		BufferedImage image = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
		image.setRGB(3, 4, 0x123456);
		Map<String, String> text = new LinkedHashMap<>();
		text.put("parameters", "café au lait\nSteps: 1");
		text.put("unicode", "猫 🐱 и кот");
		Path file = dir.resolve("a.png");
		Files.write(file, PngInfo.encode(image, text));
		assertEquals(text, PngInfo.read(file));
		BufferedImage back = ImageIO.read(file.toFile());
		assertEquals(0x123456, back.getRGB(3, 4) & 0xffffff, "the image itself is intact");
		byte[] bytes = Files.readAllBytes(file);
		String raw = new String(bytes, StandardCharsets.ISO_8859_1);
		assertTrue(raw.indexOf("tEXtparameters") > 0 && raw.indexOf("iTXtunicode") > 0, "tEXt for Latin-1, iTXt otherwise");
	}

	@Test
	void aFileThatIsNotAPngOrIsCutShortIsNamedInTheError() throws IOException {
		Path text = Files.writeString(dir.resolve("x.png"), "not a png at all");
		assertEquals(text + ": not a PNG file", assertThrows(IOException.class, () -> PngInfo.read(text)).getMessage());
		byte[] png = PngInfo.encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), Map.of("parameters", "x"));
		Path cut = dir.resolve("cut.png");
		Files.write(cut, Arrays.copyOf(png, 40));
		assertEquals(cut + ": the PNG is cut short", assertThrows(IOException.class, () -> PngInfo.read(cut)).getMessage());
	}
}
