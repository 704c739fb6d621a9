package dev.atelier.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;

/**
 * An editable combo that offers the models of a folder of the models folder (a view's model list): the folder is
 * listed off the UI thread when the list is made, when the combo gains focus (the preference may have changed
 * meanwhile) and on {@link #refresh()}; the items are the models' paths, and the text stays free for a path from
 * elsewhere. An empty combo takes the first model found, unless empty means none ({@link #emptyMeansNone()}).
 */
public final class ModelChoices {

	/** Lists a folder's models (e.g. {@code ModelsFolder::ggufFiles}). */
	public interface Lister {
		List<Path> list(Path folder) throws IOException;
	}

	private final Combo combo;
	private final Supplier<Path> folder;
	private final Lister lister;
	private final String kind;
	private boolean fillEmpty = true;

	/**
	 * @param folder the folder to list, asked again at each refresh; null while there is none to offer (no workspace,
	 *            or the combo holds something else now), which empties the list
	 * @param kind what the models are, for the tooltip: "GGUF models"
	 */
	public ModelChoices(Combo combo, Supplier<Path> folder, Lister lister, String kind) {
		this.combo = combo;
		this.folder = folder;
		this.lister = lister;
		this.kind = kind;
		combo.addListener(SWT.FocusIn, e -> refresh());
	}

	/** An empty combo stays empty (an optional choice: no ControlNet, the checkpoint's own VAE). */
	public ModelChoices emptyMeansNone() {
		fillEmpty = false;
		return this;
	}

	/** Lists the folder again; the future completes once the combo shows what was found (or why nothing was). */
	public CompletableFuture<List<Path>> refresh() {
		Path where = folder.get();
		CompletableFuture<List<Path>> shown = new CompletableFuture<>();
		if (where == null) {
			String text = combo.getText();
			combo.removeAll();
			combo.setText(text);
			shown.complete(List.of());
			return shown;
		}
		// a folder on a slow or hung mount must not stop the UI
		CompletableFuture.supplyAsync(() -> {
			try {
				return lister.list(where);
			} catch (IOException e) {
				throw new java.io.UncheckedIOException(e);
			}
		}).whenComplete((found, failure) -> {
			if (combo.isDisposed()) {
				shown.complete(List.of());
				return;
			}
			combo.getDisplay().asyncExec(() -> {
				if (!combo.isDisposed()) {
					show(where, found == null ? List.of() : found, failure);
				}
				shown.complete(found == null ? List.of() : found);
			});
		});
		return shown;
	}

	private static String reason(Throwable failure) {
		Throwable t = failure;
		while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.io.UncheckedIOException) && t.getCause() != null) {
			t = t.getCause();
		}
		return t.getMessage() == null ? t.toString() : t.getMessage();
	}

	private void show(Path where, List<Path> found, Throwable failure) {
		String text = combo.getText();
		combo.setItems(found.stream().map(Path::toString).toArray(String[]::new));
		// setItems clears an editable combo's text
		combo.setText(fillEmpty && text.isBlank() && !found.isEmpty() ? found.get(0).toString() : text);
		combo.setToolTipText(failure != null ? "Cannot list " + where + ": " + reason(failure)
				: found.isEmpty() ? "No " + kind + " in " + where + " yet (the models folder is set in Window ▸ Preferences ▸ Workspace)"
						: found.size() + " " + kind + " in " + where);
	}
}
