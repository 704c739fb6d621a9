package dev.atelier.core;

import java.util.List;

/**
 * A page of Window ▸ Preferences, an OSGi service of the bundle that reads its preferences (the keys stay that
 * bundle's; the workbench only shows and checks them). The CLI reads the same workspace preferences file.
 */
public interface SettingsPage {

	/** The page's name in the preference dialog's tree, such as {@code Assistant}. */
	String title();

	List<Setting> settings();
}
