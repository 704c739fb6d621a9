package dev.atelier.testing.devices;

import java.util.List;

import dev.atelier.device.plan.RuntimeOverhead;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.WorkloadEstimator;
import dev.atelier.device.plan.Workloads;

/**
 * Workload specs parsed with the estimators a test names, and their sizes in decimal GB, the unit of the seed
 * article's tables (which count the runtime's CUDA context too: {@link #gbWithRuntime}).
 */
public record Estimates(List<WorkloadEstimator> estimators) {

	public static Estimates of(WorkloadEstimator... estimators) {
		return new Estimates(List.of(estimators));
	}

	/** The workload of a spec, as {@code atelier plan} parses it with these estimators. */
	public Workload parse(String spec) {
		return Workloads.parse(spec, estimators);
	}

	public double gb(String spec) {
		return parse(spec).bytes() / 1e9;
	}

	public double gbWithRuntime(String spec) {
		return (parse(spec).bytes() + RuntimeOverhead.BYTES) / 1e9;
	}
}
