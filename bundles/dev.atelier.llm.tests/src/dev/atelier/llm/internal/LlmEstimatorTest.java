package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
	void specsParseWithDefaultsAndUnits() {
		assertEquals("llm:13b:q4_0:ctx=512", ESTIMATES.parse("llm:13b:q4_0").spec());
		assertEquals("llm:7b:q8_0:ctx=4000:offload=25%", ESTIMATES.parse("llm:7b:q8_0:ctx=4k:offload=25%").spec());
		assertTrue(new LlmEstimator().parse("sd15@512x512x1").isEmpty());
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertTrue(assertThrows(IllegalArgumentException.class, () -> ESTIMATES.parse("llm:7b:q9_9")).getMessage()
				.startsWith("workload 'llm:7b:q9_9': unknown weight format 'q9_9'; known: f32, f16"));
		assertEquals("workload 'llm:7b:f16:fast': unknown option 'fast' (expected ctx=N, offload=P% or seq=N)",
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
