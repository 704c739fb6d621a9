package dev.atelier.diffusion.ui.internal;

import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.services.IServiceConstants;

import jakarta.inject.Named;

/** Stop (Esc) in the Diffusion view: cancels its running job, else its oldest queued one; enabled while it has one. */
public final class CancelHandler {

	@CanExecute
	public boolean canExecute(@Optional @Named(IServiceConstants.ACTIVE_PART) MPart part) {
		return part != null && part.getObject() instanceof DiffusionPart view && view.canCancel();
	}

	@Execute
	public void execute(@Named(IServiceConstants.ACTIVE_PART) MPart part) {
		if (part.getObject() instanceof DiffusionPart view) {
			view.cancelCurrent();
		}
	}
}
