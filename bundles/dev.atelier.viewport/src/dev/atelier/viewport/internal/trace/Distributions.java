package dev.atelier.viewport.internal.trace;

/** Piecewise-constant 1D distributions stored as cumulative tables (0 first, 1 last), as the flat scene keeps them. */
final class Distributions {

	private Distributions() {
	}

	/**
	 * The segment {@code i} in [0, count) with {@code cdf[offset + i] ≤ u < cdf[offset + i + 1]} for u in [0, 1):
	 * the last entry not above u, so segments of zero width are never chosen.
	 */
	static int find(float[] cdf, int offset, int count, float u) {
		int lo = 0;
		int hi = count - 1;
		while (lo < hi) {
			int mid = (lo + hi + 1) >>> 1;
			if (cdf[offset + mid] <= u) {
				lo = mid;
			} else {
				hi = mid - 1;
			}
		}
		return lo;
	}

	/** Normalises non-negative weights into a cumulative table of {@code weights.length + 1} entries; false if all are 0. */
	static boolean cumulate(double[] weights, float[] cdf, int offset) {
		double total = 0;
		for (double w : weights) {
			total += w;
		}
		if (!(total > 0)) {
			for (int i = 0; i <= weights.length; i++) {
				cdf[offset + i] = (float) i / weights.length;
			}
			return false;
		}
		double sum = 0;
		cdf[offset] = 0;
		for (int i = 0; i < weights.length; i++) {
			sum += weights[i];
			cdf[offset + i + 1] = (float) (sum / total);
		}
		cdf[offset + weights.length] = 1;
		return true;
	}
}
