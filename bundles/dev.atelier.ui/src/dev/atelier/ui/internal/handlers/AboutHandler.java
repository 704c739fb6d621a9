package dev.atelier.ui.internal.handlers;

import java.util.List;
import java.util.stream.Collectors;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Shell;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.InfoContributor;
import dev.atelier.core.SystemInfo;

/** Help ▸ About: the same facts as {@code atelier info}. */
public final class AboutHandler {

	@Execute
	void execute(Shell shell, @Service AtelierEnvironment env, @Service List<InfoContributor> contributors) {
		String text = SystemInfo.describe(env, contributors).entrySet().stream()
				.map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("\n"));
		MessageDialog.openInformation(shell, "About Atelier", "Atelier " + env.version() + "\n\n" + text);
	}
}
