package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.testing.devices.Estimates;

/** Stable Diffusion estimates against the seed article's table for a 24 GB card (§4.1), and their specs. */
class DiffusionEstimatorTest {

	private static final Estimates ESTIMATES = Estimates.of(new DiffusionEstimator());

	@Test
	void estimatesMatchTheSeedTable() {
		assertEquals(6.5, ESTIMATES.gbWithRuntime("sd15@512x512x1"), 0.3, "SD 1.5 fp16 512² batch 1 ≈ 6.5 GB");
		assertEquals(12.0, ESTIMATES.gbWithRuntime("sdxl@1024x1024x1"), 0.6, "SDXL fp16 1024² ≈ 12 GB");
		assertTrue(ESTIMATES.gb("sd15@512x512x4") > 3 * ESTIMATES.gb("sd15@512x512x1") - 2 * 2.2, "activations grow with the batch");
	}

	@Test
	void specsParseWithDefaultsAndOtherKindsAreLeftAlone() {
		assertEquals("sdxl@1024x1024x2", ESTIMATES.parse("SDXL@1024x1024x2").spec());
		assertEquals("sd15@512x512x1:fp32:tiled", ESTIMATES.parse("sd15@512x512:fp32:tiled").spec());
		assertTrue(new DiffusionEstimator().parse("llm:7b:f16").isEmpty());
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertEquals("workload 'sd15@500x512x1': image size 500x512 must be positive multiples of 8",
				assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("sd15@500x512x1")).getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("sd99@512x512")).getMessage()
				.startsWith("workload 'sd99@512x512': unknown diffusion model 'sd99'; known: sd15, sd21, sdxl"));
	}
}
