package dev.atelier.ui;

/** Element ids of the Atelier application model that other bundles' model fragments refer to. */
public final class AtelierUi {

	public static final String PERSPECTIVE = "dev.atelier.ui.perspective.atelier";
	/** Navigation views: workspace, galleries. */
	public static final String PARTSTACK_LEFT = "dev.atelier.ui.partstack.left";
	/** Main work: viewport, chat, editors. */
	public static final String PARTSTACK_CENTER = "dev.atelier.ui.partstack.center";
	/** Monitoring: jobs, power, logs. */
	public static final String PARTSTACK_BOTTOM = "dev.atelier.ui.partstack.bottom";
	public static final String MAIN_MENU = "menu:org.eclipse.ui.main.menu";
	/** The window's key bindings, where fragments add theirs. */
	public static final String WINDOW_BINDINGS = "dev.atelier.ui.bindings.window";
	/** Stop what the active view is running (Esc); a view that runs something contributes a handler to its part. */
	public static final String STOP = "dev.atelier.ui.command.stop";

	/** A part's persisted-state key: the file extensions File ▸ Open hands to it (see {@link OpensFiles}). */
	public static final String OPENS = "dev.atelier.ui.opens";

	/** The CSS class of text that reports a problem; each theme colours it (IStylingEngine.setClassname). */
	public static final String ERROR_CLASS = "atelier-error";

	private AtelierUi() {
	}
}
