package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.RuntimeOverhead;
import dev.atelier.device.plan.Workload;
import dev.atelier.testing.devices.Estimates;

/**
 * Stable Diffusion estimates: the native engine's against its high-water marks under its lease on an H100 (session 9,
 * releng/gpu/llm.sh sdpeaks, docs/gpu-verification.md), an ONNX pipeline's growing with the batch, and their specs.
 */
class DiffusionEstimatorTest {

	private static final Estimates ESTIMATES = Estimates.of(new DiffusionEstimator());

	/** Bytes the engine held under its lease (GiB as printed there) for each workload it ran. */
	private static final Map<String, Double> MEASURED_GIB = Map.ofEntries(Map.entry("sd15@512x512x1", 4.05), Map.entry("sd15@512x512x4", 5.26),
			Map.entry("sd15@512x512x16", 5.26), Map.entry("sd15@768x768x1", 6.26), Map.entry("sd15@1024x1024x1", 9.52), Map.entry("sd15@640x896x1", 6.14),
			Map.entry("sdxl@768x768x1", 10.24), Map.entry("sdxl@1024x1024x1", 12.93), Map.entry("sdxl@1024x1024x2", 14.36),
			Map.entry("sdxl@896x1152x1", 12.83));

	@ParameterizedTest
	@ValueSource(strings = { "sd15@512x512x1", "sd15@512x512x4", "sd15@512x512x16", "sd15@768x768x1", "sd15@1024x1024x1", "sd15@640x896x1",
			"sdxl@768x768x1", "sdxl@1024x1024x1", "sdxl@1024x1024x2", "sdxl@896x1152x1" })
	void theNativeEnginesEstimateIsAtMostTenPercentAboveItsMeasuredPeakAndNeverBelow(String spec) {
		double measured = MEASURED_GIB.get(spec) * (1L << 30);
		double planned = ESTIMATES.parse(spec).bytes();
		assertTrue(planned >= measured && planned <= 1.10 * measured, spec + ": planned " + planned + " bytes, measured " + measured);
	}

	@Test
	void theEnginesActivationsGrowUntilItsUnetRunIsFullAnOnnxPipelinesWithTheWholeBatch() {
		assertTrue(ESTIMATES.gb("sd15@512x512x2") > ESTIMATES.gb("sd15@512x512x1"), "CFG's rows of two images run together");
		assertEquals(ESTIMATES.gb("sd15@512x512x4"), ESTIMATES.gb("sd15@512x512x16"), 1e-9,
				"the UNet runs at most " + DiffusionWorkload.ENGINE_UNET_ROWS + " rows together and the decoder one image at a time");
		DiffusionWorkload.Profile onnx = new DiffusionWorkload.Profile("onnx:sd15", 1.067e9, DiffusionWorkload.Profile.ONNX_SD15_PER_MEGAPIXEL, true);
		double one = new DiffusionWorkload(onnx, 512, 512, 1, false, false).bytes() / 1e9;
		assertEquals(6.5, one + RuntimeOverhead.BYTES / 1e9, 0.3, "an ONNX SD 1.5 pipeline at 512², batch 1: the seed's ≈ 6.5 GB");
		assertTrue(new DiffusionWorkload(onnx, 512, 512, 4, false, false).bytes() / 1e9 > 3 * one - 2 * 2.2, "an ONNX pipeline's activations grow with the batch");
	}

	@Test
	void aTiledVaeShrinksTheDecodersShareButNotTheUnetRowsOfABatch() {
		double rowsUntiled = ESTIMATES.gb("sd15@512x512x4") - ESTIMATES.gb("sd15@512x512x1");
		double rowsTiled = ESTIMATES.gb("sd15@512x512x4:tiled") - ESTIMATES.gb("sd15@512x512x1:tiled");
		assertEquals(rowsUntiled, rowsTiled, 1e-9);
		assertTrue(ESTIMATES.gb("sd15@512x512x1:tiled") < ESTIMATES.gb("sd15@512x512x1"));
	}

	@Test
	void theEngineRunsCfgsTwoRowsPerImageTogetherUpToItsRunsRows() {
		assertEquals(2, DiffusionWorkload.engineUnetRows(1));
		assertEquals(6, DiffusionWorkload.engineUnetRows(3));
		assertEquals(DiffusionWorkload.ENGINE_UNET_ROWS, DiffusionWorkload.engineUnetRows(16));
	}

	@Test
	void aBatchSplitOverCardsIsARunOfImagesOnEachWithAModelCopyEach() {
		long gib = 1L << 30;
		List<Planner.Budget> cards = List.of(new Planner.Budget("cuda:0", 23 * gib),
				new Planner.Budget("cuda:1", 23 * gib), new Planner.Budget("sim:small", 9 * gib));
		Planner.SplitPlan split = Planner.planSplit(cards, List.of(ESTIMATES.parse("sd15@1024x1024x8")));
		assertEquals(List.of("sd15@1024x1024x3", "sd15@1024x1024x3", "sd15@1024x1024x2"),
				split.devices().stream().map(p -> p.items().getFirst().spec()).toList(), "8 images as 3 + 3 + 2");
		// each part holds the whole model and its own images' activations
		assertEquals(ESTIMATES.parse("sd15@1024x1024x3").bytes(), split.devices().getFirst().items().getFirst().bytes());
		assertTrue(split.devices().get(0).fits() && split.devices().get(1).fits());
		assertFalse(split.devices().get(2).fits(), "a model copy and two 1024² SD 1.5 images' activations do not fit 9 GiB");
		// the two images' UNet rows run together, so even tiled they do not fit: one after the other they would
		assertTrue(split.devices().get(2).advice().stream().anyMatch(a -> a.contains("run them one after another")), split.devices().get(2).advice().toString());
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
		// SDXL at 1024²: 14.5 GB, tiled 12.3 GB; an 8 GiB card takes neither, streamed it needs 7.8 GB
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
