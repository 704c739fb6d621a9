package dev.atelier.viewport.ui.internal;

import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.services.IServiceConstants;

import jakarta.inject.Named;

/** Render in the Viewport: path-traces the view into a PNG as a job; enabled with a scene and no render running. */
public final class RenderHandler {

	@CanExecute
	public boolean canExecute(@Optional @Named(IServiceConstants.ACTIVE_PART) MPart part) {
		return part != null && part.getObject() instanceof ViewportPart view && view.canRender();
	}

	@Execute
	public void execute(@Named(IServiceConstants.ACTIVE_PART) MPart part) {
		if (part.getObject() instanceof ViewportPart view) {
			view.render();
		}
	}
}
