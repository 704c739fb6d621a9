package dev.atelier.bench;

/**
 * One benchmark's result.
 *
 * @param name          what was measured, with its size ({@code gemm-fp16 4096})
 * @param group         the chart it belongs to ({@code copy}, {@code stride}, {@code gemm}, …)
 * @param value         the median run's throughput (or latency) in {@code unit}
 * @param unit          GB/s, TFLOP/s, GFLOP/s or µs
 * @param percentOfPeak value as a percentage of the device's theoretical peak; null where none applies
 * @param peak          how that peak is computed, with the device's numbers; null where none applies
 * @param reference     the reference implementation's value in the same unit (PyTorch); null where none ran
 * @param ratio         value / reference; null where no reference ran
 * @param note          what else the reader should know (a correctness check, a speed-up); may be null
 */
public record BenchResult(String name, String group, double value, String unit, Double percentOfPeak, String peak, Double reference, Double ratio,
		Timing timing, String note) {

	/** A throughput result: {@code work} units (bytes, FLOPs) per median run, scaled by {@code perUnit} (1e9 for GB/s). */
	public static BenchResult throughput(String name, String group, double work, double perUnit, String unit, Timing timing, double peakPerSecond,
			String peak) {
		double value = work / (timing.medianMs() / 1e3) / perUnit;
		Double percent = peakPerSecond > 0 ? 100 * value * perUnit / peakPerSecond : null;
		return new BenchResult(name, group, value, unit, percent, peakPerSecond > 0 ? peak : null, null, null, timing, null);
	}

	/** With a reference's median time for the same work: its value in this unit and value / reference. */
	public BenchResult withReferenceMillis(double referenceMs) {
		double ref = value * timing.medianMs() / referenceMs;
		return new BenchResult(name, group, value, unit, percentOfPeak, peak, ref, value / ref, timing, note);
	}

	public BenchResult withNote(String text) {
		return new BenchResult(name, group, value, unit, percentOfPeak, peak, reference, ratio, timing, text);
	}
}
