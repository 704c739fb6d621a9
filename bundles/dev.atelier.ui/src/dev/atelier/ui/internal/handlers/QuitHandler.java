package dev.atelier.ui.internal.handlers;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.workbench.IWorkbench;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Shell;

import dev.atelier.core.Preferences;

public final class QuitHandler {

	public static final String CONFIRM_EXIT = "ui.confirmExit";

	@Execute
	void execute(IWorkbench workbench, Shell shell, @Service Preferences preferences) {
		if (!preferences.getBoolean(CONFIRM_EXIT, false)
				|| MessageDialog.openQuestion(shell, "Quit Atelier", "Quit Atelier? Running jobs are cancelled.")) {
			workbench.close();
		}
	}
}
