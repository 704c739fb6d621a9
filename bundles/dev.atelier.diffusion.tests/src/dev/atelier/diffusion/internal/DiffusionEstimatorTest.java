package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.device.plan.RuntimeOverhead;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;

/** Stable Diffusion estimates against the seed article's table for a 24 GB card (§4.1), and their specs. */
class DiffusionEstimatorTest {

	private static final List<WorkloadEstimator> ESTIMATORS = List.of(new DiffusionEstimator());

	private static double gb(String spec) {
		return Workloads.parse(spec, ESTIMATORS).bytes() / 1e9;
	}

	private static double gbWithRuntime(String spec) {
		return (Workloads.parse(spec, ESTIMATORS).bytes() + RuntimeOverhead.BYTES) / 1e9;
	}

	@Test
	void estimatesMatchTheSeedTable() {
		assertEquals(6.5, gbWithRuntime("sd15@512x512x1"), 0.3, "SD 1.5 fp16 512² batch 1 ≈ 6.5 GB");
		assertEquals(12.0, gbWithRuntime("sdxl@1024x1024x1"), 0.6, "SDXL fp16 1024² ≈ 12 GB");
		assertTrue(gb("sd15@512x512x4") > 3 * gb("sd15@512x512x1") - 2 * 2.2, "activations grow with the batch");
	}

	@Test
	void specsParseWithDefaultsAndOtherKindsAreLeftAlone() {
		assertEquals("sdxl@1024x1024x2", Workloads.parse("SDXL@1024x1024x2", ESTIMATORS).spec());
		assertEquals("sd15@512x512x1:fp32:tiled", Workloads.parse("sd15@512x512:fp32:tiled", ESTIMATORS).spec());
		assertTrue(new DiffusionEstimator().parse("llm:7b:f16").isEmpty());
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertEquals("workload 'sd15@500x512x1': image size 500x512 must be positive multiples of 8",
				assertThrows(IllegalArgumentException.class, () -> Workloads.parse("sd15@500x512x1", ESTIMATORS)).getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Workloads.parse("sd99@512x512", ESTIMATORS)).getMessage()
				.startsWith("workload 'sd99@512x512': unknown diffusion model 'sd99'; known: sd15, sd21, sdxl"));
	}
}
