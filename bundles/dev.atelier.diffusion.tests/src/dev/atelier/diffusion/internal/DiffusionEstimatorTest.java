package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
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
	void aBatchSplitOverCardsIsARunOfImagesOnEachWithAModelCopyEach() {
		long gib = 1L << 30;
		List<Planner.Budget> cards = List.of(new Planner.Budget("cuda:0", 23 * gib),
				new Planner.Budget("cuda:1", 23 * gib), new Planner.Budget("sim:small", 9 * gib));
		Planner.SplitPlan split = Planner.planSplit(cards, List.of(ESTIMATES.parse("sd15@512x512x8")));
		assertEquals(List.of("sd15@512x512x3", "sd15@512x512x3", "sd15@512x512x2"),
				split.devices().stream().map(p -> p.items().getFirst().spec()).toList(), "8 images as 3 + 3 + 2");
		// each part holds the whole model: the weights do not split, the activations do
		assertEquals(ESTIMATES.parse("sd15@512x512x3").bytes(), split.devices().getFirst().items().getFirst().bytes());
		assertTrue(split.devices().get(0).fits() && split.devices().get(1).fits());
		assertFalse(split.devices().get(2).fits(), "two SD 1.5 images and a model copy do not fit 9 GiB");
		assertTrue(split.devices().get(2).advice().stream().anyMatch(a -> a.startsWith("use sd15@512x512x2:tiled")), split.devices().get(2).advice().toString());
		assertFalse(split.fits());
	}

	@Test
	void specsParseWithDefaultsAndOtherKindsAreLeftAlone() {
		assertEquals("sdxl@1024x1024x2", ESTIMATES.parse("SDXL@1024x1024x2").spec());
		assertEquals("sd15@512x512x1:fp32:tiled", ESTIMATES.parse("sd15@512x512:fp32:tiled").spec());
		assertTrue(new DiffusionEstimator().parse("llm:7b:f16").isEmpty());
	}

	@Test
	void streamedWeightsHoldTwiceTheLargestUnetBlockInPlaceOfAllTheWeights() {
		Workload streamed = ESTIMATES.parse("sd15@512x512:streamed");
		assertEquals("sd15@512x512x1:streamed", streamed.spec());
		// twice the 2560→1280 resnet (49.2 M parameters) in fp16 in place of SD 1.5's 1.07 G parameters
		assertEquals(ESTIMATES.gb("sd15@512x512x1") - 2 * 1.067 + 4 * 49.2e-3, ESTIMATES.gb("sd15@512x512x1:streamed"), 0.01);
		assertTrue(streamed.breakdown().contains("streamed from host memory"), streamed.breakdown());
		assertTrue(ESTIMATES.parse("sdxl@1024x1024x1:streamed").cheaper().stream().noneMatch(w -> w.spec().contains(":streamed:streamed")));
	}

	@Test
	void onACardTooSmallForTheWeightsThePlannerAdvisesStreamingThem() {
		// SDXL at 1024²: 11.5 GB, tiled 10.1 GB; an 8 GiB card takes neither, streamed it needs 5.3 GB
		Planner.Plan plan = Planner.plan("sim:rtx4090=8g", 8L << 30, List.of(ESTIMATES.parse("sdxl@1024x1024x1")));
		assertFalse(plan.fits());
		assertTrue(plan.advice().stream().anyMatch(a -> a.startsWith("use sdxl@1024x1024x1:streamed instead of sdxl@1024x1024x1: ")), plan.advice().toString());
		assertTrue(Planner.plan("sim:rtx4090=8g", 8L << 30, List.of(ESTIMATES.parse("sdxl@1024x1024x1:streamed"))).fits());
	}

	@Test
	void anOnnxPipelineIsNeverOfferedStreamedWeights() {
		DiffusionWorkload.Profile onnx = new DiffusionWorkload.Profile("onnx:tiny", 1e9, 14.8e9, false);
		DiffusionWorkload workload = new DiffusionWorkload(onnx, 512, 512, 2, false, false);
		assertTrue(workload.cheaper().stream().noneMatch(w -> w.spec().endsWith(":streamed")), workload.cheaper().toString());
		assertEquals("onnx:tiny's weights cannot be streamed",
				assertThrows(IllegalArgumentException.class, () -> new DiffusionWorkload(onnx, 512, 512, 1, false, false, true)).getMessage());
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertEquals("workload 'sd15@500x512x1': image size 500x512 must be positive multiples of 8",
				assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("sd15@500x512x1")).getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("sd99@512x512")).getMessage()
				.startsWith("workload 'sd99@512x512': unknown diffusion model 'sd99'; known: sd15, sd21, sdxl"));
	}
}
