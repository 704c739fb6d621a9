package dev.atelier.diffusion.ui.internal;

/**
 * The Diffusion view's ids in the application model, and the event broker topic on which "Reuse parameters" sends a
 * {@link dev.atelier.diffusion.GenerationRequest} for the view to put into its form.
 */
final class DiffusionUi {

	static final String DIFFUSION_PART = "dev.atelier.diffusion.ui.part.diffusion";
	static final String GENERATE = "dev.atelier.diffusion.ui.command.generate";
	/** Data: the {@link dev.atelier.diffusion.GenerationRequest} to fill the Diffusion view's form with. */
	static final String REUSE_TOPIC = "dev/atelier/diffusion/ui/reuse";

	private DiffusionUi() {
	}
}
