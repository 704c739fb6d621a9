package dev.atelier.ui;

import java.nio.file.Path;

/**
 * A view that File ▸ Open hands files to. Its part in the application model names the extensions it opens in the
 * persisted state {@link AtelierUi#OPENS} (space-separated, without dots: {@code gguf bin}); the part's object
 * implements this.
 */
public interface OpensFiles {

	/** Shows the file in the view (called on the UI thread after the view is shown); problems are the view's to show. */
	void open(Path file);
}
