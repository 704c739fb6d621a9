package dev.atelier.ui.internal.handlers;

import java.util.Comparator;
import java.util.List;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.jface.preference.PreferenceManager;
import org.eclipse.e4.ui.css.swt.theme.IThemeEngine;
import org.eclipse.jface.preference.PreferenceNode;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.widgets.Shell;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.Preferences;
import dev.atelier.core.Setting;
import dev.atelier.core.SettingsPage;
import dev.atelier.ui.internal.Themes;

/**
 * Window ▸ Preferences: settings stored in the workspace, shared with the CLI. General is the workbench's own page;
 * the others are the {@link SettingsPage} services of the bundles that read them.
 */
public final class PreferencesHandler {

	@Execute
	void execute(Shell shell, @Service Preferences preferences, @Service AtelierEnvironment env, @Service List<SettingsPage> pages,
			@Optional IThemeEngine themes) {
		String file = env.paths().preferencesFile().toString();
		PreferenceManager manager = new PreferenceManager();
		SettingsPreferencePage general = new SettingsPreferencePage(GENERAL, preferences, file);
		general.setDescription("Workspace: " + env.paths().workspaceRoot() + "   (change it with --workspace DIR or ATELIER_WORKSPACE)");
		manager.addToRoot(new PreferenceNode("general", general));
		pages.stream().sorted(Comparator.comparing(SettingsPage::title))
				.forEach(p -> manager.addToRoot(new PreferenceNode(p.title(), new SettingsPreferencePage(p, preferences, file))));
		if (new PreferenceDialog(shell, manager).open() == Window.OK && themes != null) {
			themes.setTheme(Themes.themeId(preferences), true);
			for (Shell open : shell.getDisplay().getShells()) {
				themes.applyStyles(open, true);
			}
		}
	}

	private static final SettingsPage GENERAL = new SettingsPage() {
		@Override
		public String title() {
			return "General";
		}

		@Override
		public List<Setting> settings() {
			return List.of(Setting.check(QuitHandler.CONFIRM_EXIT, "Ask before quitting", "", false),
					Setting.choice(Themes.PREFERENCE, "Theme", "system follows the desktop's light or dark theme; a change shows at once, in full at the next start", "system", Themes.CHOICES));
		}
	};
}
