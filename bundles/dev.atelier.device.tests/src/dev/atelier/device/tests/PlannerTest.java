package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.device.internal.SimulatedDevice;
import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.RuntimeOverhead;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.Workloads;

/** The seed article's feasibility table for a 24 GB card (§4.1, §5.3), reproduced within reason. */
class PlannerTest {

	private static final long RTX4090_BUDGET = (24L << 30) - (512L << 20);

	private static double gb(String spec) {
		return Workloads.parse(spec).bytes() / 1e9;
	}

	private static double gbWithRuntime(String spec) {
		return (Workloads.parse(spec).bytes() + RuntimeOverhead.BYTES) / 1e9;
	}

	@Test
	void singleWorkloadsMatchTheSeedTable() {
		assertEquals(6.5, gbWithRuntime("sd15@512x512x1"), 0.3, "SD 1.5 fp16 512² batch 1 ≈ 6.5 GB");
		assertEquals(12.0, gbWithRuntime("sdxl@1024x1024x1"), 0.6, "SDXL fp16 1024² ≈ 12 GB");
		assertEquals(14.0, gbWithRuntime("llm:7b:f16"), 1.2, "LLaMA-7B FP16 ≈ 14 GB");
		double llama13q4 = gbWithRuntime("llm:13b:q4_0");
		assertTrue(llama13q4 >= 8 && llama13q4 <= 14, "LLaMA-13B 4-bit 8–14 GB: " + llama13q4);
	}

	@Test
	void sd15WithLlama7bQ4AtContext4096FitsOn24GB() {
		Planner.Plan plan = Planner.plan("sim:rtx4090", RTX4090_BUDGET,
				List.of(Workloads.parse("sd15@512x512x1"), Workloads.parse("llm:7b:q4_0:ctx=4096")));
		assertTrue(plan.fits(), plan.toString());
		assertEquals(3, plan.items().size(), "two workloads and the shared runtime");
		assertEquals(plan.items().stream().mapToLong(Planner.Item::bytes).sum(), plan.requiredBytes());
	}

	@Test
	void sdxlWithLlama7bF16AtContext4096DoesNotFitAndTheAdviceDoes() {
		List<Workload> asked = List.of(Workloads.parse("sdxl@1024x1024x1"), Workloads.parse("llm:7b:f16:ctx=4096"));
		Planner.Plan plan = Planner.plan("sim:rtx4090", RTX4090_BUDGET, asked);
		assertFalse(plan.fits());
		assertTrue(plan.advice().get(0).startsWith("needs "), plan.advice().toString());
		String change = plan.advice().get(1);
		assertTrue(change.startsWith("use "), change);
		// Apply the advice and plan again: it must then fit.
		String replacement = change.substring(4, change.indexOf(' ', 4));
		String replaced = change.substring(change.indexOf("instead of ") + 11, change.indexOf(": ", change.indexOf("instead of ")));
		List<Workload> fixed = asked.stream().map(w -> w.spec().equals(replaced) ? Workloads.parse(replacement) : w).toList();
		assertTrue(Planner.plan("sim:rtx4090", RTX4090_BUDGET, fixed).fits(), "advice " + change + " makes it fit");
	}

	@Test
	void nothingFitsAnH100WorthOfWorkOnA4090AndThePlannerSaysSo() {
		Planner.Plan plan = Planner.plan("sim:rtx4090", RTX4090_BUDGET, List.of(Workloads.parse("llm:70b:f16")));
		assertFalse(plan.fits());
		assertTrue(plan.advice().get(plan.advice().size() - 1).contains("does not fit even as"), plan.advice().toString());
		assertTrue(Planner.plan("sim:h100", (80L << 30) - (512L << 20), List.of(Workloads.parse("llm:34b:f16:ctx=4096"))).fits());
		assertEquals(80L << 30, SimulatedDevice.of("h100").device().totalBytes());
	}

	@Test
	void specsParseWithUnitsAndDefaults() {
		assertEquals("sdxl@1024x1024x2", Workloads.parse("SDXL@1024x1024x2").spec());
		assertEquals("llm:13b:q4_0:ctx=512", Workloads.parse("llm:13b:q4_0").spec());
		assertEquals("scene:tris=30000000:tex=4000000000", Workloads.parse("scene:tris=30M:tex=4GB").spec());
		assertEquals(4L << 30, ((dev.atelier.device.plan.SceneWorkload) Workloads.parse("scene:tex=4GiB")).textureBytes());
		assertEquals(8.53, gb("scene:tris=30M:tex=4GB"), 0.01, "30M × 100 B + 4 GB × 4/3 + 0.2 GB");
		assertTrue(gb("llm:7b:f16:ctx=4096") > gb("llm:7b:f16"), "the KV cache grows with the context");
		assertTrue(gb("sd15@512x512x4") > 3 * gb("sd15@512x512x1") - 2 * 2.2, "activations grow with the batch");
	}

	@Test
	void badSpecsAreRefusedByName() {
		assertEquals("workload 'sd15@500x512x1': image size 500x512 must be positive multiples of 8",
				assertThrows(IllegalArgumentException.class, () -> Workloads.parse("sd15@500x512x1")).getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Workloads.parse("llm:7b:q9_9")).getMessage()
				.startsWith("workload 'llm:7b:q9_9': unknown weight format 'q9_9'; known: f32, f16"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Workloads.parse("paint:now")).getMessage()
				.startsWith("workload 'paint:now' is not a spec"));
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Workloads.parse("scene:tris=lots")).getMessage()
				.contains("'lots' is not a number"));
	}
}
