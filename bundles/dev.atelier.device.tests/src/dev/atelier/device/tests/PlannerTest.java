package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.RuntimeOverhead;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;

/**
 * The planner's verdict and advice, and spec parsing through estimators, on workloads this test makes; the
 * capabilities' estimates against the seed article's table are tested where they live (diffusion, llm, viewport).
 */
class PlannerTest {

	/** Memory is planned and told in binary units. */
	private static final long GB = 1L << 30;
	private static final long BUDGET = 23 * GB;

	/** A workload of fixed size whose cheaper variants are given, least loss first. */
	private record Job(String spec, long bytes, List<Workload> cheaper) implements Workload {
		Job(String spec, double gb, Workload... cheaper) {
			this(spec, Math.round(gb * GB), List.of(cheaper));
		}

		@Override
		public String breakdown() {
			return "a test job";
		}
	}

	/** Knows specs {@code job:GB}. */
	private record JobEstimator(String kind) implements WorkloadEstimator {
		@Override
		public List<String> examples() {
			return List.of(kind + ":4");
		}

		@Override
		public Optional<Workload> parse(String spec) {
			if (!spec.startsWith(kind + ":")) {
				return Optional.empty();
			}
			return Optional.of(new Job(spec, Workloads.count(spec.substring(kind.length() + 1)) / (double) GB));
		}
	}

	@Test
	void workloadsThatFitAreListedWithTheSharedRuntime() {
		Planner.Plan plan = Planner.plan("sim:card", BUDGET, List.of(new Job("a", 6), new Job("b", 10)));
		assertTrue(plan.fits(), plan.toString());
		assertEquals(3, plan.items().size(), "two workloads and the shared runtime");
		assertEquals(16 * GB + RuntimeOverhead.BYTES, plan.requiredBytes());
		assertEquals(plan.items().stream().mapToLong(Planner.Item::bytes).sum(), plan.requiredBytes());
		assertEquals("fits with 6.53 GiB to spare", plan.advice().get(0));
	}

	@Test
	void whatDoesNotFitGetsAdviceThatDoes() {
		Job small = new Job("big:fp16", 8);
		List<Workload> asked = List.of(new Job("big:fp32", 16, new Job("big:fp24", 12), small), new Job("other", 9));
		Planner.Plan plan = Planner.plan("sim:card", BUDGET, asked);
		assertFalse(plan.fits());
		assertEquals("needs 2.47 GiB more than the budget of 23.00 GiB", plan.advice().get(0));
		assertEquals("use big:fp24 instead of big:fp32: 21.47 GiB in all", plan.advice().get(1), "the first option that fits loses the least");
		List<Workload> fixed = List.of(asked.get(0).cheaper().get(0), asked.get(1));
		assertTrue(Planner.plan("sim:card", BUDGET, fixed).fits(), "the advice makes it fit");
	}

	@Test
	void withoutASingleChangeTheCheapestOfEachIsTriedAndOtherwiseThePlannerSaysSo() {
		List<Workload> together = List.of(new Job("a", 12, new Job("a-", 11)), new Job("b", 12, new Job("b-", 11)));
		Planner.Plan plan = Planner.plan("sim:card", BUDGET, together);
		assertEquals("no single change fits; together: a- + b- (22.47 GiB)", plan.advice().get(1));
		Planner.Plan none = Planner.plan("sim:card", BUDGET, List.of(new Job("huge", 70, new Job("huge-", 35))));
		assertFalse(none.fits());
		assertTrue(none.advice().get(none.advice().size() - 1).contains("does not fit even as huge-"), none.advice().toString());
	}

	@Test
	void specsGoToTheEstimatorOfTheirKindAndUnknownKindsAreNamed() {
		List<WorkloadEstimator> estimators = List.of(new JobEstimator("job"), new JobEstimator("art"));
		assertEquals("job:4m", Workloads.parse(" JOB:4M ", estimators).spec(), "stripped and in lower case");
		assertEquals(4_000_000, Workloads.parse("job:4m", estimators).bytes());
		IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Workloads.parse("job:lots", estimators));
		assertEquals("workload 'job:lots': 'lots' is not a number with an optional k, M, G or T", bad.getMessage());
		IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Workloads.parse("paint:now", estimators));
		assertEquals("workload 'paint:now' is not a spec of a known kind (art, job); expected e.g. art:4, job:4", unknown.getMessage());
		assertTrue(assertThrows(IllegalArgumentException.class, () -> Workloads.parse("job:4", List.of())).getMessage()
				.startsWith("workload 'job:4' is not a spec"));
	}

	@Test
	void countsAndSizesTakeUnits() {
		assertEquals(30_000_000, Workloads.count("30m"));
		assertEquals(1_500_000_000, Workloads.count("1.5g"));
		assertEquals(4_000_000_000L, Workloads.bytes("4gb"));
		assertEquals(4L << 30, Workloads.bytes("4gib"));
		assertEquals(512, Workloads.bytes("512"));
	}

	private static List<String> ranges(int layers, Long... free) {
		return Planner.splitLayers(layers, List.of(free)).stream().map(r -> r.first() + ".." + r.end()).toList();
	}

	@Test
	void layersSplitInOrderInProportionToFreeMemoryLeftoversToTheLargestRemainders() {
		assertEquals(List.of("0..16", "16..32"), ranges(32, 40L, 40L));
		assertEquals(List.of("0..3", "3..8"), ranges(8, 24L, 48L), "2.67 and 5.33: the leftover layer goes to the larger remainder");
		assertEquals(List.of("0..2", "2..4", "4..5"), ranges(5, 10L, 10L, 10L), "1.67 each: the two leftovers to the first two on the tie");
		assertEquals(List.of("0..0", "0..4"), ranges(4, 1L, 1000L), "a device too small for a share takes none");
		assertEquals(5, Planner.splitLayers(5, List.of(7L)).getFirst().count());
	}

	@Test
	void aSplitWithoutLayersDevicesOrFreeMemoryIsRefused() {
		assertThrows(IllegalArgumentException.class, () -> Planner.splitLayers(0, List.of(1L)));
		assertThrows(IllegalArgumentException.class, () -> Planner.splitLayers(4, List.of()));
		assertThrows(IllegalArgumentException.class, () -> Planner.splitLayers(4, List.of(5L, -1L)));
		assertEquals("no device has memory free for a layer: [0, 0]", assertThrows(IllegalArgumentException.class,
				() -> Planner.splitLayers(4, List.of(0L, 0L))).getMessage());
	}
}
