package dev.atelier.llm.ui.internal;

import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.services.IServiceConstants;

import jakarta.inject.Named;

/** Send (Assistant): asks the model the input; enabled when there is a question and nothing runs. */
public final class SendHandler {

	@CanExecute
	public boolean canExecute(@Optional @Named(IServiceConstants.ACTIVE_PART) MPart part) {
		return part != null && part.getObject() instanceof AssistantPart view && view.canSend();
	}

	@Execute
	public void execute(@Named(IServiceConstants.ACTIVE_PART) MPart part) {
		if (part.getObject() instanceof AssistantPart view) {
			view.send();
		}
	}
}
