package dev.atelier.viewport.internal.trace;

/** Told after every pass, on the rendering thread; the film may be read during the call (then the next pass starts). */
@FunctionalInterface
public interface ProgressListener {

	ProgressListener NONE = (progress, film) -> {
	};

	void passCompleted(Progress progress, Film film);
}
