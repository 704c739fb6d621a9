package dev.atelier.device.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Says whether workloads fit together in a device's budget and, if not, what would: one change to one
 * workload (least loss of quality first), else the cheapest variant of each until they fit. Over several devices it
 * says how workloads would split ({@link #planSplit}), with the arithmetic the runtimes split by: a batch
 * ({@link #splitBatch}) and a model's layers ({@link #splitLayers}).
 */
public final class Planner {

	/** One workload of the plan with its estimate. */
	public record Item(String spec, long bytes, String breakdown) {
	}

	public record Plan(String device, long budgetBytes, List<Item> items, long requiredBytes, boolean fits, List<String> advice) {
	}

	/** A device to plan a split for: its id and the bytes it can lease. */
	public record Budget(String device, long bytes) {
	}

	/** Workloads spread over devices: one plan per device (its parts and its runtime), and whether every part fits. */
	public record SplitPlan(List<Plan> devices, boolean fits) {
	}

	/**
	 * Layers {@code first} … {@code end − 1} of a model: one device's stage of a split. Empty where {@code first == end}.
	 */
	public record LayerRange(int first, int end) {

		public LayerRange {
			if (first < 0 || end < first) {
				throw new IllegalArgumentException("layers " + first + ".." + end + " are not a range");
			}
		}

		public int count() {
			return end - first;
		}

		public boolean isEmpty() {
			return first == end;
		}

		@Override
		public String toString() {
			return isEmpty() ? "none" : first + "-" + (end - 1);
		}
	}

	private static final int MAX_ADVICE = 5;

	private Planner() {
	}

	public static Plan plan(String device, long budgetBytes, List<Workload> workloads) {
		List<Workload> all = withRuntime(workloads);
		long required = total(all);
		boolean fits = required <= budgetBytes;
		List<String> advice = new ArrayList<>();
		if (fits) {
			advice.add("fits with " + Workloads.gib(budgetBytes - required) + " to spare");
		} else {
			advice.add("needs " + Workloads.gib(required - budgetBytes) + " more than the budget of " + Workloads.gib(budgetBytes));
			advice.addAll(singleChanges(workloads, budgetBytes));
			if (advice.size() == 1) {
				advice.add(combined(workloads, budgetBytes));
			}
		}
		List<Item> items = all.stream().map(w -> new Item(w.spec(), w.bytes(), w.breakdown())).toList();
		return new Plan(device, budgetBytes, items, required, fits, advice);
	}

	/**
	 * A batch of {@code items} independent items (images) spread over {@code devices} devices as evenly as it goes, in
	 * contiguous runs: the first {@code items % devices} devices take one more. A device may take none (more devices
	 * than items).
	 */
	public static List<Integer> splitBatch(int items, int devices) {
		if (items < 1 || devices < 1) {
			throw new IllegalArgumentException("cannot split " + items + " item(s) over " + devices + " device(s)");
		}
		return IntStream.range(0, devices).mapToObj(d -> items / devices + (d < items % devices ? 1 : 0)).toList();
	}

	/**
	 * A model's {@code layers} split into contiguous ranges, one per device in the order given (the first device takes
	 * the first layers), each device's share proportional to its free memory {@code freeBytes}: its exact share
	 * rounded down, and the layers left over one each to the largest remainders (the earlier device on a tie). A
	 * device whose share rounds to nothing gets an empty range. Whether each stage then fits is
	 * {@link #planSplit}'s to say, with the stage's own estimate (weights, KV cache, the embedding on the first and
	 * the classifier on the last).
	 *
	 * @throws IllegalArgumentException for no layers, no devices, a negative amount or no free memory at all
	 */
	public static List<LayerRange> splitLayers(int layers, List<Long> freeBytes) {
		if (layers < 1 || freeBytes.isEmpty()) {
			throw new IllegalArgumentException("cannot split " + layers + " layer(s) over " + freeBytes.size() + " device(s)");
		}
		if (freeBytes.stream().anyMatch(b -> b < 0)) {
			throw new IllegalArgumentException("free memory cannot be negative: " + freeBytes);
		}
		double total = freeBytes.stream().mapToDouble(Long::doubleValue).sum();
		if (total <= 0) {
			throw new IllegalArgumentException("no device has free memory for the layers: " + freeBytes);
		}
		int n = freeBytes.size();
		int[] counts = new int[n];
		double[] remainders = new double[n];
		int given = 0;
		for (int d = 0; d < n; d++) {
			double share = layers * (freeBytes.get(d) / total);
			counts[d] = (int) Math.floor(share);
			remainders[d] = share - counts[d];
			given += counts[d];
		}
		// stable: equal remainders keep the devices' order
		List<Integer> byRemainder = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble((Integer d) -> -remainders[d])).toList();
		for (int i = 0; given < layers; i++, given++) {
			counts[byRemainder.get(i % n)]++;
		}
		List<LayerRange> ranges = new ArrayList<>();
		int first = 0;
		for (int count : counts) {
			ranges.add(new LayerRange(first, first + count));
			first += count;
		}
		return List.copyOf(ranges);
	}

	/**
	 * How workloads would spread over devices, as their runtimes spread them ({@link Workload#split}): each device's
	 * plan holds its parts of every workload (and its own runtime, where it has any part), with advice where a part
	 * does not fit. A device that takes no part has an empty plan.
	 *
	 * @throws IllegalArgumentException naming a workload that runs on one device only, or for no devices
	 */
	public static SplitPlan planSplit(List<Budget> devices, List<Workload> workloads) {
		if (devices.isEmpty()) {
			throw new IllegalArgumentException("a split needs at least one device");
		}
		List<Long> budgets = devices.stream().map(Budget::bytes).toList();
		List<List<Workload>> parts = new ArrayList<>();
		devices.forEach(d -> parts.add(new ArrayList<>()));
		for (Workload w : workloads) {
			List<Workload.Part> split = w.split(budgets);
			if (split.isEmpty()) {
				throw new IllegalArgumentException(w.spec() + " runs on one device only; plan it with --device");
			}
			split.forEach(p -> parts.get(p.device()).add(p.workload()));
		}
		List<Plan> plans = new ArrayList<>();
		for (int d = 0; d < devices.size(); d++) {
			Budget b = devices.get(d);
			plans.add(parts.get(d).isEmpty() ? new Plan(b.device(), b.bytes(), List.of(), 0, true, List.of("takes no part"))
					: plan(b.device(), b.bytes(), parts.get(d)));
		}
		return new SplitPlan(List.copyOf(plans), plans.stream().allMatch(Plan::fits));
	}

	private static List<Workload> withRuntime(List<Workload> workloads) {
		List<Workload> all = new ArrayList<>(workloads);
		all.add(new RuntimeOverhead());
		return all;
	}

	private static long total(List<Workload> workloads) {
		return workloads.stream().mapToLong(Workload::bytes).sum();
	}

	private static List<String> singleChanges(List<Workload> workloads, long budget) {
		List<String> changes = new ArrayList<>();
		for (int i = 0; i < workloads.size() && changes.size() < MAX_ADVICE; i++) {
			for (Workload option : workloads.get(i).cheaper()) {
				List<Workload> changed = new ArrayList<>(workloads);
				changed.set(i, option);
				long required = total(withRuntime(changed));
				if (required <= budget) {
					changes.add("use " + option.spec() + " instead of " + workloads.get(i).spec() + ": " + Workloads.gib(required) + " in all");
					break; // the first option that fits loses the least; other workloads may have their own
				}
			}
		}
		return changes;
	}

	private static String combined(List<Workload> workloads, long budget) {
		List<Workload> changed = new ArrayList<>(workloads);
		for (int i = 0; i < changed.size() && total(withRuntime(changed)) > budget; i++) {
			List<Workload> options = changed.get(i).cheaper();
			if (!options.isEmpty()) {
				changed.set(i, options.stream().min(Comparator.comparingLong(Workload::bytes)).get());
			}
		}
		long required = total(withRuntime(changed));
		String specs = String.join(" + ", changed.stream().map(Workload::spec).toList());
		return required <= budget ? "no single change fits; together: " + specs + " (" + Workloads.gib(required) + ")"
				: "does not fit even as " + specs + " (" + Workloads.gib(required) + "); use a device with more memory or run them one after another";
	}
}
