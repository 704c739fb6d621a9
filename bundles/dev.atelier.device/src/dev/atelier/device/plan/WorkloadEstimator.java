package dev.atelier.device.plan;

import java.util.List;
import java.util.Optional;

/**
 * Estimates the device memory of one kind of workload from its spec in the CLI's syntax. Each capability registers
 * its own as an OSGi service (diffusion: {@code sd15@512x512x1}; the LLM: {@code llm:7b:q4_0}; the viewport:
 * {@code scene:tris=30M:tex=4GB}); {@code atelier plan} and the Devices view's planner ask all of them.
 */
public interface WorkloadEstimator {

	/** A short name of the kind ({@code diffusion}, {@code llm}, {@code scene}), named when no estimator knows a spec. */
	String kind();

	/** Specs of this kind, for messages and hints: {@code sd15@512x512x1}, … */
	List<String> examples();

	/**
	 * The workload of a spec of this kind; empty when the spec is of another kind. The spec arrives stripped and in
	 * lower case.
	 *
	 * @throws IllegalArgumentException when the spec is of this kind but wrong; the message says what was expected
	 */
	Optional<Workload> parse(String spec);
}
