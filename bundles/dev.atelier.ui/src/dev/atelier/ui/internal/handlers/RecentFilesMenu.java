package dev.atelier.ui.internal.handlers;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.e4.ui.di.AboutToShow;
import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.commands.MCommand;
import org.eclipse.e4.ui.model.application.commands.MParameter;
import org.eclipse.e4.ui.model.application.ui.menu.MHandledMenuItem;
import org.eclipse.e4.ui.model.application.ui.menu.MMenuElement;
import org.eclipse.e4.ui.workbench.modeling.EModelService;

import dev.atelier.core.Preferences;
import dev.atelier.ui.internal.RecentFiles;

/** File ▸ Recent Files: one item per recent file, newest first, each running File ▸ Open with it. */
public final class RecentFilesMenu {

	@AboutToShow
	void items(List<MMenuElement> items, MApplication app, EModelService models, @Service Preferences preferences) {
		MCommand open = app.getCommand(OpenHandler.COMMAND);
		List<Path> files = RecentFiles.list(preferences);
		for (int i = 0; i < files.size(); i++) {
			Path file = files.get(i);
			MHandledMenuItem item = models.createModelElement(MHandledMenuItem.class);
			item.setLabel((i + 1) + "  " + file.getFileName() + "   " + file.getParent());
			item.setTooltip(file.toString());
			item.setCommand(open);
			MParameter parameter = models.createModelElement(MParameter.class);
			parameter.setName(OpenHandler.FILE);
			parameter.setValue(file.toString());
			item.getParameters().add(parameter);
			items.add(item);
		}
	}
}
