package dev.atelier.viewport.internal.trace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finished (or stopped) render.
 *
 * @param color    mean radiance, linear RGB
 * @param albedo   first-hit base colour
 * @param normal   first-hit shading normal
 * @param variance the variance of each pixel's mean radiance (+∞ before two samples)
 * @param denoised the à-trous filtered colour, or null when not asked for
 * @param progress samples, time and ray counts
 * @param stop     why it stopped
 * @param work     the pixel samples each device of a split render traced, in the order of its devices; empty when one
 *                 device traced them all
 */
public record RenderResult(Image color, Image albedo, Image normal, Image variance, Image denoised, Progress progress, Stop stop,
		Map<String, Long> work) {

	public RenderResult {
		work = Collections.unmodifiableMap(new LinkedHashMap<>(work));
	}

	public enum Stop {
		/** Reached the samples asked for. */
		SAMPLES,
		/** The pass that crossed the time limit ended. */
		TIME_LIMIT,
		/** Cancelled between passes. */
		CANCELLED
	}

	/** What a film holds when the passes end, denoised when the settings ask for it; the same for every backend. */
	static RenderResult of(Film film, Settings settings, Progress progress, Stop stop) {
		Image color = film.mean();
		Image albedo = film.albedo();
		Image normal = film.normal();
		Image variance = film.variance();
		Image denoised = settings.denoise() && film.samples() > 0 ? Denoiser.denoise(color, albedo, normal, variance) : null;
		return new RenderResult(color, albedo, normal, variance, denoised, progress, stop, Map.of());
	}

	RenderResult withWork(Map<String, Long> split) {
		return new RenderResult(color, albedo, normal, variance, denoised, progress, stop, split);
	}
}
