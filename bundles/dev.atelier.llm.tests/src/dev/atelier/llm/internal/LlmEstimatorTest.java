package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.device.plan.Planner;
import dev.atelier.testing.devices.Estimates;

/** LLaMA-class estimates against the seed article's table for a 24 GB card (§4.1, §5.3), and their specs. */
class LlmEstimatorTest {

	private static final Estimates ESTIMATES = Estimates.of(new LlmEstimator());

	@Test
	void estimatesMatchTheSeedTable() {
		assertEquals(14.0, ESTIMATES.gbWithRuntime("llm:7b:f16"), 1.2, "LLaMA-7B FP16 ≈ 14 GB");
		double llama13q4 = ESTIMATES.gbWithRuntime("llm:13b:q4_0");
		assertTrue(llama13q4 >= 8 && llama13q4 <= 14, "LLaMA-13B 4-bit 8–14 GB: " + llama13q4);
		assertTrue(ESTIMATES.gb("llm:7b:f16:ctx=4096") > ESTIMATES.gb("llm:7b:f16"), "the KV cache grows with the context");
		assertTrue(ESTIMATES.gbWithRuntime("llm:34b:f16:ctx=4096") < (80L << 30) / 1e9 - 0.5, "a 34B model at f16 fits an 80 GB H100");
		assertTrue(ESTIMATES.gbWithRuntime("llm:70b:f16") > 24, "a 70B model at f16 does not fit a 24 GB card");
	}

	@Test
	void aModelSplitOverCardsTakesLayersInProportionToTheirBudgetsEachStageWithItsOwnWeightsAndCache() {
		long gib = 1L << 30;
		LlmWorkload model = (LlmWorkload) ESTIMATES.parse("llm:8b:f16:ctx=4096");
		assertFalse(Planner.plan("sim:a", 12 * gib, List.of(model)).fits(), "an 8B F16 model does not fit one 12 GiB card");
		Planner.SplitPlan split = Planner.planSplit(List.of(new Planner.Budget("sim:a", 12 * gib), new Planner.Budget("sim:b", 12 * gib)), List.of(model));
		assertEquals(List.of("llm:8b:f16:ctx=4096:layers=0-15", "llm:8b:f16:ctx=4096:layers=16-31"),
				split.devices().stream().map(p -> p.items().getFirst().spec()).toList());
		assertTrue(split.fits(), "half the layers each fit: " + split);
		assertTrue(split.devices().get(0).items().getFirst().breakdown().startsWith("layers 0-15 of 32 + embedding:"),
				split.devices().get(0).items().getFirst().breakdown());
		assertTrue(split.devices().get(1).items().getFirst().breakdown().startsWith("layers 16-31 of 32 + output:"),
				split.devices().get(1).items().getFirst().breakdown());
		// every weight on exactly one card (Llama 3's embedding and classifier are two matrices), and the cache by layers
		assertEquals(model.weights(0, 32), model.weights(0, 16) + model.weights(16, 32), 1.0);
		assertEquals(model.kvCacheBytes(32), 2 * model.kvCacheBytes(16));
		assertEquals(model.bytes(), new LlmStage(model, new Planner.LayerRange(0, 32)).bytes(), "one stage of every layer is the whole model");

		Planner.SplitPlan uneven = Planner.planSplit(List.of(new Planner.Budget("sim:small", 8 * gib), new Planner.Budget("sim:big", 24 * gib)), List.of(model));
		assertEquals(List.of("llm:8b:f16:ctx=4096:layers=0-7", "llm:8b:f16:ctx=4096:layers=8-31"),
				uneven.devices().stream().map(p -> p.items().getFirst().spec()).toList(), "a quarter of the memory, a quarter of the layers");
		assertTrue(uneven.fits(), uneven.toString());

		Planner.SplitPlan tooSmall = Planner.planSplit(List.of(new Planner.Budget("sim:a", 6 * gib), new Planner.Budget("sim:b", 6 * gib)), List.of(model));
		assertFalse(tooSmall.fits(), "two 6 GiB cards hold no 16 GB of weights");
		assertTrue(tooSmall.devices().get(0).advice().stream().anyMatch(a -> a.startsWith("use llm:8b:q8_0:ctx=4096:layers=0-15 instead")),
				tooSmall.devices().get(0).advice().toString());
		// a stage's spec, as the split names it, is a spec atelier plan takes
		assertEquals(split.devices().get(1).items().getFirst().bytes(), ESTIMATES.parse("llm:8b:f16:ctx=4096:layers=16-31").bytes());
		assertEquals("workload 'llm:8b:f16:layers=20-40': layers 20-40 are not a stage of llm:8b:f16:ctx=512",
				assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("llm:8b:f16:layers=20-40")).getMessage());
		assertEquals("llm:8b:f16:ctx=512:offload=25% runs on one device only; plan it with --device", assertThrows(IllegalArgumentException.class,
				() -> Planner.planSplit(List.of(new Planner.Budget("sim:a", 6 * gib)), List.of(ESTIMATES.parse("llm:8b:f16:offload=25%")))).getMessage());
	}

	@Test
	void specsParseWithDefaultsAndUnits() {
		assertEquals("llm:13b:q4_0:ctx=512", ESTIMATES.parse("llm:13b:q4_0").spec());
		assertEquals("llm:7b:q8_0:ctx=4000:offload=25%", ESTIMATES.parse("llm:7b:q8_0:ctx=4k:offload=25%").spec());
		assertTrue(new LlmEstimator().parse("sd15@512x512x1").isEmpty());
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("llm:7b:q9_9")).getMessage()
				.startsWith("workload 'llm:7b:q9_9': unknown weight format 'q9_9'; known: f32, f16"));
		assertEquals("workload 'llm:7b:f16:fast': unknown option 'fast' (expected ctx=N, offload=P%, seq=N or layers=A-B)",
				assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("llm:7b:f16:fast")).getMessage());
	}

	@Test
	void answersDecodedTogetherEachHoldTheirCache() {
		assertEquals("llm:8b:q4_k_m:ctx=4096:seq=4", ESTIMATES.parse("llm:8b:q4_k_m:ctx=4096:seq=4").spec());
		double oneCache = ESTIMATES.gb("llm:8b:q4_k_m:ctx=8192") - ESTIMATES.gb("llm:8b:q4_k_m:ctx=4096");
		assertEquals(3 * oneCache, ESTIMATES.gb("llm:8b:q4_k_m:ctx=4096:seq=4") - ESTIMATES.gb("llm:8b:q4_k_m:ctx=4096"), 0.02 * oneCache,
				"three more answers, three more caches of 4096 positions");
		assertEquals("workload 'llm:7b:f16:seq=0': 'seq=0' is not 1 to 1024 answers decoded together",
				assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("llm:7b:f16:seq=0")).getMessage());
	}

	@Test
	void aContextTooLargeToCountIsRefusedRatherThanWrappedRound() {
		assertEquals("workload 'llm:7b:f16:ctx=99999999999999': 'ctx=99999999999999' is not a context of 1 to 2147483647 tokens",
				assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("llm:7b:f16:ctx=99999999999999")).getMessage());
	}
}
