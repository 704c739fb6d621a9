package dev.atelier.device.plan;

import java.util.List;

/**
 * Something that needs device memory, estimated by a documented formula. Capabilities implement it for their
 * workloads and parse their specs with a {@link WorkloadEstimator}.
 */
public interface Workload {

	/** The spec in the CLI's syntax, e.g. {@code sd15@512x512x1}. */
	String spec();

	/** Estimated peak bytes on the device. */
	long bytes();

	/** How the estimate is made up, for the planner's report. */
	String breakdown();

	/** Cheaper variants, least loss of quality first: each is a whole workload that could run instead. */
	List<Workload> cheaper();

	/** One device's part of a workload spread over several: the device's index in the order planned, and what runs there. */
	record Part(int device, Workload workload) {
	}

	/**
	 * This workload spread over devices that can lease {@code budgets} bytes each (in the order planned), as its runtime
	 * would spread it: at most one part per device, none for a device that takes nothing. Empty when this kind of
	 * workload runs on one device only; {@link Planner#planSplit} says so then.
	 */
	default List<Part> split(List<Long> budgets) {
		return List.of();
	}
}
