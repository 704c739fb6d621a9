package dev.atelier.ui.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

import org.eclipse.e4.ui.model.application.MApplication;
import org.eclipse.e4.ui.model.application.ui.advanced.MPerspective;
import org.eclipse.e4.ui.workbench.lifecycle.PostContextCreate;
import org.eclipse.e4.ui.workbench.lifecycle.PreSave;
import org.eclipse.e4.ui.workbench.lifecycle.ProcessAdditions;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.osgi.service.datalocation.Location;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import dev.atelier.ui.AtelierUi;

/**
 * The saved workbench layout (E4's {@code workbench.xmi} in the workspace's {@code .metadata}) and its version. A
 * layout saved by an Atelier whose application model was older than {@link #LAYOUT_VERSION} is dropped at start, so
 * that parts added since then are not hidden by it; views that plugins add later are merged into a saved layout by
 * their {@code Model-Fragment: fragment.e4xmi;apply=notexists}. The perspective as first built is kept as a snippet,
 * which Window ▸ Reset Perspective copies back.
 */
public final class LayoutLifeCycle {

	/**
	 * Raise it whenever Application.e4xmi or a view's fragment moves, adds or removes parts, stacks or menus, or changes
	 * the binding contexts a saved layout keeps (4: "In Windows" active; 5: the Viewport scene's own bindings).
	 */
	public static final int LAYOUT_VERSION = 5;
	/** Beside workbench.xmi: the layout version it was saved with. */
	public static final String VERSION_FILE = "atelier-layout.version";

	private static final System.Logger LOG = System.getLogger(LayoutLifeCycle.class.getName());

	@PostContextCreate
	void dropOutdatedLayout() {
		Path folder = savedLayoutFolder();
		if (folder == null) {
			return;
		}
		Path layout = folder.resolve("workbench.xmi");
		Path version = folder.resolve(VERSION_FILE);
		try {
			if (Files.exists(layout) && savedVersion(version) != LAYOUT_VERSION) {
				LOG.log(System.Logger.Level.INFO, "dropping the workbench layout " + layout + ": saved by an older Atelier (layout version "
						+ savedVersion(version) + ", now " + LAYOUT_VERSION + ")");
				Files.delete(layout);
			}
		} catch (IOException e) {
			LOG.log(System.Logger.Level.WARNING, "cannot drop the outdated workbench layout " + layout + ": " + e);
		}
	}

	@ProcessAdditions
	void keepInitialPerspective(MApplication app, EModelService models) {
		if (models.findSnippet(app, AtelierUi.PERSPECTIVE) == null) {
			MPerspective perspective = (MPerspective) models.find(AtelierUi.PERSPECTIVE, app);
			if (perspective != null) {
				models.cloneElement(perspective, app);
			}
		}
	}

	@PreSave
	void recordVersion() {
		Path folder = savedLayoutFolder();
		if (folder != null) {
			try {
				Files.createDirectories(folder);
				Files.writeString(folder.resolve(VERSION_FILE), Integer.toString(LAYOUT_VERSION), StandardCharsets.UTF_8);
			} catch (IOException e) {
				LOG.log(System.Logger.Level.WARNING, "cannot record the workbench layout's version in " + folder + ": " + e);
			}
		}
	}

	/** A version file that is missing or unreadable counts as version 0: older than any. */
	private static int savedVersion(Path file) {
		try {
			return Integer.parseInt(Files.readString(file, StandardCharsets.UTF_8).strip());
		} catch (IOException | NumberFormatException e) {
			return 0;
		}
	}

	/** Where E4's resource handler keeps workbench.xmi, or null without an instance location (-data @none). */
	public static Path savedLayoutFolder() {
		BundleContext context = FrameworkUtil.getBundle(LayoutLifeCycle.class).getBundleContext();
		try {
			Collection<ServiceReference<Location>> refs = context.getServiceReferences(Location.class, Location.INSTANCE_FILTER);
			for (ServiceReference<Location> ref : refs) {
				Location location = context.getService(ref);
				try {
					if (location != null && location.getURL() != null) {
						// Equinox leaves the URL unescaped (a folder with a space is not a valid URI): its path is the folder.
						return Path.of(location.getURL().getPath()).resolve(".metadata/.plugins/org.eclipse.e4.workbench");
					}
				} finally {
					context.ungetService(ref);
				}
			}
		} catch (InvalidSyntaxException e) {
			LOG.log(System.Logger.Level.WARNING, "cannot find the instance location: " + e);
		}
		return null;
	}
}
