package dev.atelier.viewport.internal.trace;

/**
 * Where a render stands after a pass.
 *
 * @param samples       samples per pixel accumulated
 * @param targetSamples the spp asked for
 * @param elapsedNanos  since the render started, the scene already flattened
 * @param primaryRays   camera rays traced
 * @param totalRays     every ray traced: camera, bounce and shadow rays
 */
public record Progress(int samples, int targetSamples, long elapsedNanos, long primaryRays, long totalRays) {

	/** Millions of rays (all kinds) per second of wall time. */
	public double mraysPerSecond() {
		return elapsedNanos == 0 ? 0 : totalRays * 1e3 / elapsedNanos;
	}
}
