package dev.atelier.diffusion.ui.internal;

import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.services.IServiceConstants;

import jakarta.inject.Named;

/** Generate (Ctrl+Enter) in the Diffusion view: queues the form's request; enabled while the form is valid. */
public final class GenerateHandler {

	@CanExecute
	public boolean canExecute(@Optional @Named(IServiceConstants.ACTIVE_PART) MPart part) {
		return part != null && part.getObject() instanceof DiffusionPart view && view.canGenerate();
	}

	@Execute
	public void execute(@Named(IServiceConstants.ACTIVE_PART) MPart part) {
		if (part.getObject() instanceof DiffusionPart view) {
			view.generate();
		}
	}
}
