package dev.atelier.diffusion.ui.internal;

/**
 * How the Diffusion and Gallery views find each other: their element ids in the application model, and the event
 * broker topic on which the Gallery sends a {@link dev.atelier.diffusion.GenerationRequest} for the Diffusion view to
 * put into its form ("Reuse parameters").
 */
final class DiffusionUi {

	static final String DIFFUSION_PART = "dev.atelier.diffusion.ui.part.diffusion";
	static final String GALLERY_PART = "dev.atelier.diffusion.ui.part.gallery";
	/** Data: the {@link dev.atelier.diffusion.GenerationRequest} to fill the Diffusion view's form with. */
	static final String REUSE_TOPIC = "dev/atelier/diffusion/ui/reuse";

	private DiffusionUi() {
	}
}
