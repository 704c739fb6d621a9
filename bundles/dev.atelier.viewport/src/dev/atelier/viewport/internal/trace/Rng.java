package dev.atelier.viewport.internal.trace;

/**
 * PCG32 (O'Neill 2014: 64-bit LCG state, XSH-RR output), reseeded for every pixel sample so that the numbers a
 * sample draws depend only on (seed, pixel, sample index): images do not depend on which thread rendered which row.
 */
final class Rng {

	private static final long MULTIPLIER = 6364136223846793005L;

	private long state;
	private long increment;

	/** Starts the sequence of one pixel sample; the pixel picks the PCG stream, the sample the starting state. */
	void reset(long seed, int pixel, int sample) {
		increment = (mix(seed * 0x9E3779B97F4A7C15L + pixel) << 1) | 1;
		state = 0;
		next();
		state += mix(seed ^ mix(((long) pixel << 32) ^ (sample & 0xFFFFFFFFL)));
		next();
	}

	int next() {
		long old = state;
		state = old * MULTIPLIER + increment;
		int xorShifted = (int) (((old >>> 18) ^ old) >>> 27);
		return Integer.rotateRight(xorShifted, (int) (old >>> 59));
	}

	/** Uniform in [0, 1): the top 24 bits, so 1 is never returned. */
	float nextFloat() {
		return (next() >>> 8) * 0x1p-24f;
	}

	/** SplitMix64's finaliser: decorrelates neighbouring pixels and samples. */
	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}
}
