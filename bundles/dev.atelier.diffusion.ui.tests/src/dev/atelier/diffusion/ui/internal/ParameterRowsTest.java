package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.diffusion.Sampler;

class ParameterRowsTest {

	@Test
	void listsPromptNegativePromptAndEachSettingInOrder() {
		GenerationRequest r = new GenerationRequest("a lighthouse, at dusk", "fog", Sampler.DPMPP_2M_KARRAS, 25, 6.5, 77, 512, 768, 1, null, 0.75);
		Infotext info = ParameterRows.infotext(Map.of(Infotext.CHUNK, Infotext.of(r, 0, "tiny-sd", "abc123").text())).orElseThrow();
		assertEquals(List.of(new ParameterRows.Row("Prompt", "a lighthouse, at dusk"), new ParameterRows.Row("Negative prompt", "fog"),
				new ParameterRows.Row("Steps", "25"), new ParameterRows.Row("Sampler", "DPM++ 2M Karras"), new ParameterRows.Row("CFG scale", "6.5"),
				new ParameterRows.Row("Seed", "77"), new ParameterRows.Row("Size", "512x768"), new ParameterRows.Row("Model hash", "abc123"),
				new ParameterRows.Row("Model", "tiny-sd")), ParameterRows.rows(info));
	}

	@Test
	void aPngWithoutParametersHasNone() {
		assertTrue(ParameterRows.infotext(Map.of()).isEmpty());
		assertTrue(ParameterRows.infotext(Map.of("Software", "GIMP")).isEmpty());
		assertTrue(ParameterRows.infotext(Map.of(Infotext.CHUNK, "  ")).isEmpty());
	}
}
