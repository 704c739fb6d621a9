package dev.atelier.outputs.ui;

/** The Gallery's ids in the application model, for views and handlers in other bundles. */
public final class OutputsUi {

	public static final String GALLERY_PART = "dev.atelier.outputs.ui.part.gallery";
	/**
	 * "Reuse parameters": puts an output's parameters into the view that made it. The Gallery defines the command;
	 * the capability that knows the file's parameters contributes the handler, enabled for files it can reuse. The
	 * handler's result, a string or a {@code CompletionStage} of one (for work the handler does off the UI thread), is
	 * shown in the Gallery's status line.
	 */
	public static final String REUSE = "dev.atelier.outputs.ui.command.reuse";
	/** {@link #REUSE}'s parameter: the output file's absolute path. */
	public static final String REUSE_FILE = "dev.atelier.outputs.ui.command.reuse.file";

	private OutputsUi() {
	}
}
