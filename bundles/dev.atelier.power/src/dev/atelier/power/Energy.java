package dev.atelier.power;

import java.util.List;

/**
 * Energy a device drew over an interval, from its samples: the difference of the energy counter where every
 * sample has one (exact), else the trapezoid integral of power draw, linearly interpolated at the interval's
 * ends. A segment where the counter went backwards (driver reload) is integrated from power instead.
 *
 * @param joules      energy over the interval
 * @param averageWatts joules / seconds
 * @param peakWatts   the highest power sample inside the interval (NaN without power samples)
 * @param fromCounter true when the energy counter gave the whole result
 * @param longestGapMillis the longest time between two samples used, to judge the estimate
 */
public record Energy(double joules, double seconds, double averageWatts, double peakWatts, boolean fromCounter, long longestGapMillis) {

	/** Samples must be of one device and ordered by time; those outside [start, end] only serve the ends. */
	public static Energy over(List<Sample> samples, long startMillis, long endMillis) {
		if (endMillis <= startMillis) {
			throw new IllegalArgumentException("empty interval " + startMillis + ".." + endMillis);
		}
		double seconds = (endMillis - startMillis) / 1000.0;
		double joules = 0;
		double peak = Double.NaN;
		long gap = 0;
		boolean counterOnly = true;
		for (int i = 0; i + 1 < samples.size(); i++) {
			Sample a = samples.get(i);
			Sample b = samples.get(i + 1);
			long from = Math.max(a.epochMillis(), startMillis);
			long to = Math.min(b.epochMillis(), endMillis);
			if (to <= from) {
				continue;
			}
			gap = Math.max(gap, b.epochMillis() - a.epochMillis());
			double fraction = (to - from) / (double) (b.epochMillis() - a.epochMillis());
			var ea = a.get(Metric.TOTAL_ENERGY);
			var eb = b.get(Metric.TOTAL_ENERGY);
			if (ea.isPresent() && eb.isPresent() && eb.getAsDouble() >= ea.getAsDouble()) {
				joules += (eb.getAsDouble() - ea.getAsDouble()) * fraction;
			} else {
				counterOnly = false;
				joules += trapezoid(a, b, from, to);
			}
		}
		for (Sample s : samples) {
			if (s.epochMillis() >= startMillis && s.epochMillis() <= endMillis && s.get(Metric.POWER_DRAW).isPresent()) {
				double w = s.get(Metric.POWER_DRAW).getAsDouble();
				peak = Double.isNaN(peak) ? w : Math.max(peak, w);
			}
		}
		return new Energy(joules, seconds, joules / seconds, peak, counterOnly && samples.size() > 1, gap);
	}

	/** ∫ power between {@code from} and {@code to}, power linear between the two samples. */
	private static double trapezoid(Sample a, Sample b, long from, long to) {
		var pa = a.get(Metric.POWER_DRAW);
		var pb = b.get(Metric.POWER_DRAW);
		if (pa.isEmpty() || pb.isEmpty()) {
			return 0;
		}
		double span = b.epochMillis() - a.epochMillis();
		double wFrom = pa.getAsDouble() + (pb.getAsDouble() - pa.getAsDouble()) * (from - a.epochMillis()) / span;
		double wTo = pa.getAsDouble() + (pb.getAsDouble() - pa.getAsDouble()) * (to - a.epochMillis()) / span;
		return (wFrom + wTo) / 2 * (to - from) / 1000.0;
	}
}
