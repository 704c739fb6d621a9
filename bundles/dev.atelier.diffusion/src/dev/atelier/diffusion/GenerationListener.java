package dev.atelier.diffusion;

import java.util.List;

import dev.atelier.core.outputs.RgbImage;

/** Hears how a generation goes; called on the generating thread, so it should be quick. */
public interface GenerationListener {

	/**
	 * After each denoising step: a cheap preview of each image of the batch (the latent's estimate of the final
	 * image mapped linearly to RGB, at 1/8 of the size).
	 */
	default void step(int step, int steps, List<RgbImage> previews) {
	}

	/** Something the user should know that does not stop the generation, e.g. a prompt cut at 77 tokens. */
	default void warning(String message) {
	}

	GenerationListener NONE = new GenerationListener() {
	};
}
