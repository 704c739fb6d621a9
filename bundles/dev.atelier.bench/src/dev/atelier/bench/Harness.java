package dev.atelier.bench;

import java.util.Arrays;
import java.util.function.DoubleSupplier;

import dev.atelier.core.jobs.JobContext;

/**
 * Runs a benchmark body {@code warmup} times untimed, then {@code runs} times, each run returning its own time in
 * milliseconds (device time from CUDA events on GPUs, wall time on the CPU); checks for cancellation between runs.
 */
public final class Harness {

	private final int warmup;
	private final int runs;
	private final JobContext job;

	public Harness(int warmup, int runs, JobContext job) {
		if (warmup < 0 || runs < 1) {
			throw new IllegalArgumentException("a benchmark needs 0 or more warm-up runs and 1 or more timed runs, not " + warmup + " and " + runs);
		}
		this.warmup = warmup;
		this.runs = runs;
		this.job = job;
	}

	public Timing time(DoubleSupplier runMillis) {
		for (int i = 0; i < warmup; i++) {
			job.checkCancelled();
			runMillis.getAsDouble();
		}
		double[] ms = new double[runs];
		for (int i = 0; i < runs; i++) {
			job.checkCancelled();
			ms[i] = runMillis.getAsDouble();
		}
		return of(ms);
	}

	/** Min, median (the mean of the middle two for an even count) and max of run times. */
	public static Timing of(double... ms) {
		double[] sorted = ms.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		return new Timing(sorted[0], median, sorted[n - 1], n);
	}

	public int runs() {
		return runs;
	}

	public int warmup() {
		return warmup;
	}
}
