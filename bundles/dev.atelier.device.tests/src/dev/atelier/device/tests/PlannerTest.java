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
import dev.atelier.testing.devices.BatchWorkload;

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

	/** {@code batch:N}: N items of {@code gb} each, split in runs. */
	private static Workload batch(int n, double gb) {
		return new BatchWorkload("batch", n, Math.round(gb * GB));
	}

	@Test
	void aBatchSplitsIntoRunsAsEvenAsTheyGoTheFirstDevicesTakingTheRest() {
		assertEquals(List.of(4, 4), Planner.splitBatch(8, 2));
		assertEquals(List.of(3, 2, 2), Planner.splitBatch(7, 3));
		assertEquals(List.of(1, 1, 0, 0), Planner.splitBatch(2, 4));
		assertEquals("cannot split 0 item(s) over 2 device(s)", assertThrows(IllegalArgumentException.class, () -> Planner.splitBatch(0, 2)).getMessage());
	}

	@Test
	void layersSplitInProportionToFreeMemoryInContiguousRangesInTheDevicesOrder() {
		List<Planner.LayerRange> even = Planner.splitLayers(32, List.of(40 * GB, 40 * GB));
		assertEquals(List.of(new Planner.LayerRange(0, 16), new Planner.LayerRange(16, 32)), even);
		// 80 layers over 24, 24 and 48 GiB: 20, 20, 40
		assertEquals(List.of(20, 20, 40), Planner.splitLayers(80, List.of(24 * GB, 24 * GB, 48 * GB)).stream().map(Planner.LayerRange::count).toList());
		// 32 over 1:2 is 10.67 and 21.33: the larger remainder (the first's .67) takes the layer left over
		assertEquals(List.of(new Planner.LayerRange(0, 11), new Planner.LayerRange(11, 32)), Planner.splitLayers(32, List.of(10 * GB, 20 * GB)));
		// equal remainders: the earlier device first
		assertEquals(List.of(2, 1, 1), Planner.splitLayers(4, List.of(GB, GB, GB)).stream().map(Planner.LayerRange::count).toList());
		List<Planner.LayerRange> starved = Planner.splitLayers(8, List.of(0L, 16 * GB));
		assertTrue(starved.get(0).isEmpty(), "no free memory, no layers: " + starved);
		assertEquals(new Planner.LayerRange(0, 8), starved.get(1));
		assertEquals("no device has free memory for the layers: [0, 0]",
				assertThrows(IllegalArgumentException.class, () -> Planner.splitLayers(8, List.of(0L, 0L))).getMessage());
		assertThrows(IllegalArgumentException.class, () -> Planner.splitLayers(0, List.of(GB)));
		assertThrows(IllegalArgumentException.class, () -> Planner.splitLayers(8, List.of(-1L, GB)));
	}

	@Test
	void aSplitPlansEachDevicesPartsWithItsOwnRuntimeAndFitsOnlyWhereEveryPartFits() {
		List<Planner.Budget> two = List.of(new Planner.Budget("sim:a", 23 * GB), new Planner.Budget("sim:b", 9 * GB));
		Planner.SplitPlan split = Planner.planSplit(two, List.of(batch(5, 3)));
		assertEquals(List.of("sim:a", "sim:b"), split.devices().stream().map(Planner.Plan::device).toList());
		assertEquals(List.of("batch:3", "cuda-context"), split.devices().get(0).items().stream().map(Planner.Item::spec).toList());
		assertEquals(List.of("batch:2", "cuda-context"), split.devices().get(1).items().stream().map(Planner.Item::spec).toList());
		assertEquals(6 * GB + RuntimeOverhead.BYTES, split.devices().get(1).requiredBytes());
		assertTrue(split.fits(), split.toString());

		Planner.SplitPlan tight = Planner.planSplit(two, List.of(batch(7, 3)));
		assertTrue(tight.devices().get(0).fits(), "4 × 3 GiB fit 23 GiB");
		assertFalse(tight.devices().get(1).fits(), "3 × 3 GiB and the runtime do not fit 9 GiB");
		assertFalse(tight.fits());

		Planner.SplitPlan idle = Planner.planSplit(List.of(two.get(0), two.get(1), new Planner.Budget("sim:c", GB)), List.of(batch(2, 1)));
		assertEquals(List.of(), idle.devices().get(2).items(), "a device without a part has no runtime either");
		assertEquals(List.of("takes no part"), idle.devices().get(2).advice());
		assertTrue(idle.fits());

		IllegalArgumentException whole = assertThrows(IllegalArgumentException.class, () -> Planner.planSplit(two, List.of(new Job("one", 4))));
		assertEquals("one runs on one device only; plan it with --device", whole.getMessage());
	}

	@Test
	void countsAndSizesTakeUnits() {
		assertEquals(30_000_000, Workloads.count("30m"));
		assertEquals(1_500_000_000, Workloads.count("1.5g"));
		assertEquals(4_000_000_000L, Workloads.bytes("4gb"));
		assertEquals(4L << 30, Workloads.bytes("4gib"));
		assertEquals(512, Workloads.bytes("512"));
	}
}
