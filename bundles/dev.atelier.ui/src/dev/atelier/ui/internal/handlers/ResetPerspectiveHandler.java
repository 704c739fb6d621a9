package dev.atelier.ui.internal.handlers;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspective;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspectiveStack;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;

import dev.atelier.ui.AtelierUi;

/**
 * Window ▸ Reset Perspective: the perspective as Atelier first built it (kept as a snippet at the first start)
 * replaces the one the user rearranged; views that were closed, moved, minimised or resized are back in place.
 */
public final class ResetPerspectiveHandler {

	private static final String PERSPECTIVE_STACK = "dev.atelier.ui.perspectivestack";

	@Execute
	void execute(MApplication app, MWindow window, EModelService models, EPartService parts) {
		MPerspective current = (MPerspective) models.find(AtelierUi.PERSPECTIVE, window);
		if (current == null || models.findSnippet(app, AtelierUi.PERSPECTIVE) == null) {
			return;
		}
		MPerspectiveStack stack = (MPerspectiveStack) models.find(PERSPECTIVE_STACK, window);
		MPerspective fresh = (MPerspective) models.cloneSnippet(app, AtelierUi.PERSPECTIVE, window);
		stack.getChildren().add(stack.getChildren().indexOf(current), fresh);
		parts.switchPerspective(fresh);
		// Its parts' @PreDestroy releases their jobs' listeners and images
		current.setToBeRendered(false);
		stack.getChildren().remove(current);
	}
}
