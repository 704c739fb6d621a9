package dev.atelier.ui.internal.handlers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.e4.ui.workbench.modeling.EPartService.PartState;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Shell;

import dev.atelier.core.Preferences;
import dev.atelier.ui.AtelierUi;
import dev.atelier.ui.OpensFiles;
import dev.atelier.ui.internal.RecentFiles;
import jakarta.inject.Named;

/**
 * File ▸ Open (and File ▸ Recent Files): a model, scene or image goes to the view that opens its extension, which is
 * shown first; the file joins the recent files. With the parameter {@link #FILE} nothing is asked.
 */
public final class OpenHandler {

	public static final String COMMAND = "dev.atelier.ui.command.open";
	public static final String FILE = "dev.atelier.ui.command.open.file";

	@Execute
	void execute(Shell shell, MWindow window, EModelService models, EPartService parts, @Service Preferences preferences,
			@org.eclipse.e4.core.di.annotations.Optional @Named(FILE) String file) {
		List<MPart> openers = models.findElements(window, null, MPart.class).stream().filter(p -> p.getPersistedState().containsKey(AtelierUi.OPENS))
				.toList();
		Optional<Path> chosen = file != null ? Optional.of(Path.of(file)) : ask(shell, openers);
		if (chosen.isEmpty()) {
			return;
		}
		Path path = chosen.get().toAbsolutePath();
		String extension = extension(path);
		Optional<MPart> opener = openers.stream().filter(p -> extensions(p).contains(extension)).findFirst();
		if (!Files.isRegularFile(path)) {
			MessageDialog.openError(shell, "Open", "No such file: " + path);
		} else if (opener.isEmpty()) {
			MessageDialog.openError(shell, "Open", "No view opens ." + extension + " files: " + path + "\nViews open: " + String.join(", ",
					openers.stream().map(p -> p.getLabel() + " (" + p.getPersistedState().get(AtelierUi.OPENS) + ")").toList()));
		} else {
			parts.showPart(opener.get(), PartState.ACTIVATE);
			if (opener.get().getObject() instanceof OpensFiles view) {
				view.open(path);
			}
			try {
				RecentFiles.add(preferences, path);
			} catch (IOException e) {
				MessageDialog.openWarning(shell, "Open", "Opened " + path + ", but the recent files could not be saved: " + e.getMessage());
			}
		}
	}

	private static Optional<Path> ask(Shell shell, List<MPart> openers) {
		FileDialog dialog = new FileDialog(shell, SWT.OPEN);
		List<String> filters = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (MPart part : openers) {
			List<String> extensions = extensions(part);
			filters.add(String.join(";", extensions.stream().map(e -> "*." + e).toList()));
			names.add(part.getLabel() + " (" + String.join(", ", extensions.stream().map(e -> "." + e).toList()) + ")");
		}
		filters.add("*");
		names.add("All files");
		dialog.setFilterExtensions(filters.toArray(String[]::new));
		dialog.setFilterNames(names.toArray(String[]::new));
		return Optional.ofNullable(dialog.open()).map(Path::of);
	}

	private static List<String> extensions(MPart part) {
		return List.of(part.getPersistedState().get(AtelierUi.OPENS).strip().split("\\s+"));
	}

	private static String extension(Path file) {
		String name = file.getFileName().toString();
		int dot = name.lastIndexOf('.');
		return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
	}
}
