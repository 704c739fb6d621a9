package dev.atelier.ui.internal.handlers;

import java.io.IOException;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.jface.preference.PreferenceManager;
import org.eclipse.jface.preference.PreferenceNode;
import org.eclipse.jface.preference.PreferencePage;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.Preferences;

/** Window ▸ Preferences: settings stored in the workspace, shared with the CLI. */
public final class PreferencesHandler {

	@Execute
	void execute(Shell shell, @Service Preferences preferences, @Service AtelierEnvironment env) {
		PreferenceManager manager = new PreferenceManager();
		manager.addToRoot(new PreferenceNode("general", new GeneralPage(preferences, env)));
		new PreferenceDialog(shell, manager).open();
	}

	private static final class GeneralPage extends PreferencePage {
		private final Preferences preferences;
		private final AtelierEnvironment env;
		private Button confirmExit;

		GeneralPage(Preferences preferences, AtelierEnvironment env) {
			super("General");
			this.preferences = preferences;
			this.env = env;
			noDefaultAndApplyButton();
		}

		@Override
		protected Control createContents(Composite parent) {
			Composite page = new Composite(parent, SWT.NONE);
			page.setLayout(new GridLayout(1, false));
			new Label(page, SWT.NONE).setText("Workspace: " + env.paths().workspaceRoot()
					+ "   (change it with --workspace DIR or ATELIER_WORKSPACE)");
			confirmExit = new Button(page, SWT.CHECK);
			confirmExit.setText("Ask before quitting");
			confirmExit.setSelection(preferences.getBoolean(QuitHandler.CONFIRM_EXIT, false));
			return page;
		}

		@Override
		public boolean performOk() {
			preferences.put(QuitHandler.CONFIRM_EXIT, Boolean.toString(confirmExit.getSelection()));
			try {
				preferences.save();
				return true;
			} catch (IOException e) {
				MessageDialog.openError(getShell(), "Preferences", "Cannot save " + env.paths().preferencesFile() + ": " + e.getMessage());
				return false;
			}
		}
	}
}
