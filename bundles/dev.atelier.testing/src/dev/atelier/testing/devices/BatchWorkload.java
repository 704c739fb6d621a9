package dev.atelier.testing.devices;

import java.util.List;
import java.util.stream.IntStream;

import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;

/**
 * {@code KIND:N}: {@code n} items of {@code bytesEach} that split over devices as a diffusion batch does, a run of the
 * items on each ({@link Planner#splitBatch}); for testing the planner's splits without a capability's estimator.
 */
public record BatchWorkload(String kind, int n, long bytesEach) implements Workload {

	@Override
	public String spec() {
		return kind + ":" + n;
	}

	@Override
	public long bytes() {
		return n * bytesEach;
	}

	@Override
	public String breakdown() {
		return n + " item(s)";
	}

	@Override
	public List<Workload> cheaper() {
		return List.of();
	}

	@Override
	public List<Part> split(List<Long> budgets) {
		List<Integer> runs = Planner.splitBatch(n, budgets.size());
		return IntStream.range(0, runs.size()).filter(d -> runs.get(d) > 0).mapToObj(d -> new Part(d, new BatchWorkload(kind, runs.get(d), bytesEach)))
				.toList();
	}
}
