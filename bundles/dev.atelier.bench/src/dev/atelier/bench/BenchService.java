package dev.atelier.bench;

import dev.atelier.core.jobs.JobContext;

/** Runs Atelier's benchmark suites; the CLI's {@code atelier bench} and the Benchmarks view use it. */
public interface BenchService {

	/**
	 * Runs a suite ({@code gpu}, {@code cpu} or {@code all}) with progress and cancellation through {@code job}.
	 *
	 * @param deviceId  the GPU suite's device, or null for the first CUDA device (the suite is skipped without one)
	 * @param runs      timed runs per benchmark, after 3 warm-up runs
	 * @param reference whether to run the PyTorch reference where python3 with torch and CUDA is installed
	 * @throws IllegalArgumentException for an unknown suite or device
	 */
	BenchReport run(String suite, String deviceId, int runs, boolean reference, JobContext job) throws InterruptedException;

	/** The report as a self-contained HTML page with charts. */
	String html(BenchReport report);
}
