package dev.atelier.diffusion.ui.internal;

import dev.atelier.diffusion.GenerationOptions;
import dev.atelier.diffusion.GenerationRequest;

/**
 * The Diffusion view's ids in the application model, and the event broker topic on which "Reuse parameters" sends an
 * image's parameters ({@link Reused}) for the view to put into its form.
 */
final class DiffusionUi {

	static final String DIFFUSION_PART = "dev.atelier.diffusion.ui.part.diffusion";
	static final String GENERATE = "dev.atelier.diffusion.ui.command.generate";
	/** Data: the {@link Reused} parameters to fill the Diffusion view's form with. */
	static final String REUSE_TOPIC = "dev/atelier/diffusion/ui/reuse";

	/**
	 * An image's parameters: its request and the ControlNet and VAE choices its infotext records (no control image:
	 * infotext does not record one, so the request has no ControlNet until one is chosen).
	 */
	record Reused(GenerationRequest request, GenerationOptions options) {
	}

	private DiffusionUi() {
	}
}
