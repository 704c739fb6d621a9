package dev.atelier.ui.internal;

import java.util.List;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.css.swt.theme.IThemeEngine;
import org.eclipse.swt.widgets.Display;

import dev.atelier.core.Preferences;
import jakarta.inject.Inject;

/**
 * The workbench's CSS themes (css/light.css, css/dark.css) and the preference {@value #PREFERENCE} that picks one:
 * light, dark, or system (dark where the desktop's theme is dark). As a model add-on it applies the chosen theme as
 * soon as the CSS engine is up.
 */
public final class Themes {

	public static final String PREFERENCE = "ui.theme";
	public static final List<String> CHOICES = List.of("system", "light", "dark");
	static final String LIGHT = "dev.atelier.ui.theme.light";
	static final String DARK = "dev.atelier.ui.theme.dark";

	/** The theme id the preference chooses. */
	public static String themeId(Preferences preferences) {
		return switch (preferences.get(PREFERENCE, "").strip()) {
		case "dark" -> DARK;
		case "light" -> LIGHT;
		default -> Display.isSystemDarkTheme() ? DARK : LIGHT;
		};
	}

	/**
	 * Called as soon as the engine is made, before the workbench restores the engine's own saved theme: so the choice
	 * is saved there too (restore = true), which makes that restore keep it.
	 */
	@Inject
	@Optional
	void apply(IThemeEngine engine, @Service Preferences preferences) {
		engine.setTheme(themeId(preferences), true);
	}
}
