package dev.atelier.viewport.internal.trace;

import java.time.Duration;

/**
 * How long and how deep to trace.
 *
 * @param spp        samples per pixel to accumulate (one per pass)
 * @param maxBounces scattering events per path: 0 shows only what the camera sees emitting, 1 direct lighting
 * @param timeLimit  stop after the pass that crosses it; {@link Duration#ZERO} for none
 * @param seed       the random sequence; a seed gives the same image whatever the thread count
 * @param threads    worker threads, 0 for every available processor
 * @param denoise    also produce the à-trous filtered image
 */
public record Settings(int spp, int maxBounces, Duration timeLimit, long seed, int threads, boolean denoise) {

	public Settings {
		if (spp < 1 || maxBounces < 0 || threads < 0 || timeLimit == null || timeLimit.isNegative()) {
			throw new IllegalArgumentException("settings need spp ≥ 1, maxBounces ≥ 0, threads ≥ 0 and a non-negative time limit");
		}
	}

	/** 64 spp, 8 bounces, no time limit, seed 0, every core, no denoising. */
	public static Settings defaults() {
		return new Settings(64, 8, Duration.ZERO, 0, 0, false);
	}

	public Settings withSpp(int value) {
		return new Settings(value, maxBounces, timeLimit, seed, threads, denoise);
	}

	public Settings withMaxBounces(int value) {
		return new Settings(spp, value, timeLimit, seed, threads, denoise);
	}

	public Settings withTimeLimit(Duration value) {
		return new Settings(spp, maxBounces, value, seed, threads, denoise);
	}

	public Settings withSeed(long value) {
		return new Settings(spp, maxBounces, timeLimit, value, threads, denoise);
	}

	public Settings withThreads(int value) {
		return new Settings(spp, maxBounces, timeLimit, seed, value, denoise);
	}

	public Settings withDenoise(boolean value) {
		return new Settings(spp, maxBounces, timeLimit, seed, threads, value);
	}

	int threadCount() {
		return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
	}
}
