package dev.atelier.device.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Says whether workloads fit together in a device's budget and, if not, what would: one change to one
 * workload (least loss of quality first), else the cheapest variant of each until they fit. A model too large for one
 * device splits its layers across several ({@link #splitLayers}).
 */
public final class Planner {

	/** One workload of the plan with its estimate. */
	public record Item(String spec, long bytes, String breakdown) {
	}

	public record Plan(String device, long budgetBytes, List<Item> items, long requiredBytes, boolean fits, List<String> advice) {
	}

	/** Layers {@code first} … {@code end − 1} of a model: one device's stage of a split; empty where {@code first == end}. */
	public record LayerRange(int first, int end) {

		public LayerRange {
			if (first < 0 || end < first) {
				throw new IllegalArgumentException("layers " + first + " to " + end + " are not a range");
			}
		}

		public int count() {
			return end - first;
		}

		public boolean isEmpty() {
			return first == end;
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
	 * A model's {@code layers} split into contiguous ranges, one per device in the order given (the first device takes
	 * the first layers), each share proportional to the device's free memory after its fixed parts ({@code freeBytes}):
	 * the exact share rounded down, the layers left over one each to the largest remainders (the earlier device on a
	 * tie). A device whose share rounds to nothing gets an empty range. Whether each stage then fits is for its own
	 * estimate to say.
	 *
	 * @throws IllegalArgumentException for no layers, no devices, a negative amount, or no free memory on any device
	 */
	public static List<LayerRange> splitLayers(int layers, List<Long> freeBytes) {
		if (layers < 1 || freeBytes.isEmpty() || freeBytes.stream().anyMatch(b -> b < 0)) {
			throw new IllegalArgumentException("cannot split " + layers + " layers over devices with " + freeBytes + " bytes free");
		}
		double total = freeBytes.stream().mapToDouble(Long::doubleValue).sum();
		if (total <= 0) {
			throw new IllegalArgumentException("no device has memory free for a layer: " + freeBytes);
		}
		int devices = freeBytes.size();
		int[] counts = new int[devices];
		double[] remainders = new double[devices];
		int given = 0;
		for (int d = 0; d < devices; d++) {
			double share = layers * (freeBytes.get(d) / total);
			counts[d] = (int) share;
			remainders[d] = share - counts[d];
			given += counts[d];
		}
		// a stable sort: equal remainders keep the devices' order
		List<Integer> byRemainder = IntStream.range(0, devices).boxed().sorted(Comparator.comparingDouble(d -> -remainders[d])).toList();
		for (int i = 0; given < layers; i++, given++) {
			counts[byRemainder.get(i % devices)]++;
		}
		List<LayerRange> ranges = new ArrayList<>();
		int first = 0;
		for (int count : counts) {
			ranges.add(new LayerRange(first, first + count));
			first += count;
		}
		return List.copyOf(ranges);
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
