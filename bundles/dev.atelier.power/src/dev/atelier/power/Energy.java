package dev.atelier.power;

import java.util.List;

/**
 * Energy a device drew over an interval, from its samples: the difference of the energy counter between
 * successive readings (samples in between need not carry one), else the trapezoid integral of power draw,
 * linearly interpolated at the interval's ends. A span where the counter went backwards (driver reload) is
 * integrated from power instead.
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
		long gap = 0;
		boolean counterOnly = samples.size() > 1;
		// Walk from counter reading to counter reading (samples between them need not have one: the counter is
		// costly to read and sampled less often); spans without two readings are integrated from power.
		int i = 0;
		while (i + 1 < samples.size()) {
			int next = i + 1;
			if (counter(samples.get(i)) >= 0) {
				while (next < samples.size() - 1 && counter(samples.get(next)) < 0) {
					next++;
				}
			}
			Sample a = samples.get(i);
			Sample b = samples.get(next);
			long from = Math.max(a.epochMillis(), startMillis);
			long to = Math.min(b.epochMillis(), endMillis);
			if (to > from) {
				if (counter(a) >= 0 && counter(b) >= counter(a)) {
					joules += (counter(b) - counter(a)) * (to - from) / (double) (b.epochMillis() - a.epochMillis());
					for (int k = i; k < next; k++) {
						gap = Math.max(gap, samples.get(k + 1).epochMillis() - samples.get(k).epochMillis());
					}
				} else {
					counterOnly = false;
					for (int k = i; k < next; k++) {
						Sample x = samples.get(k);
						Sample y = samples.get(k + 1);
						long f = Math.max(x.epochMillis(), startMillis);
						long t = Math.min(y.epochMillis(), endMillis);
						if (t > f) {
							joules += trapezoid(x, y, f, t);
						}
						gap = Math.max(gap, y.epochMillis() - x.epochMillis());
					}
				}
			}
			i = next;
		}
		double peak = Double.NaN;
		for (Sample s : samples) {
			if (s.epochMillis() >= startMillis && s.epochMillis() <= endMillis && s.get(Metric.POWER_DRAW).isPresent()) {
				double w = s.get(Metric.POWER_DRAW).getAsDouble();
				peak = Double.isNaN(peak) ? w : Math.max(peak, w);
			}
		}
		return new Energy(joules, seconds, joules / seconds, peak, counterOnly, gap);
	}

	/** The energy counter's reading in joules, or −1 without one. */
	private static double counter(Sample s) {
		return s.get(Metric.TOTAL_ENERGY).orElse(-1);
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
