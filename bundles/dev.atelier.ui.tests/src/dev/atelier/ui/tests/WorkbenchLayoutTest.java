package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.e4.ui.model.application.ui.MElementContainer;
import org.eclipse.e4.ui.model.application.ui.MUIElement;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.IPresentationEngine;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.e4.ui.workbench.modeling.EPartService.PartState;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;

import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;
import dev.atelier.ui.AtelierUi;
import dev.atelier.ui.internal.LayoutLifeCycle;
import dev.atelier.ui.internal.handlers.ShowViewHandler;

/** The workbench's window and layout, driven in the running workbench with every view of the UI feature. */
class WorkbenchLayoutTest {

	private static final String DEVICES = "dev.atelier.device.ui.part.devices";
	private static final String DIFFUSION = "dev.atelier.diffusion.ui.part.diffusion";

	@Test
	void theFirstRunOpensMaximised() throws Exception {
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			assertTrue(((Shell) window.getWidget()).getMaximized(), "the shell is maximised");
			assertTrue(window.getTags().contains(IPresentationEngine.WINDOW_MAXIMIZED_TAG));
		});
	}

	@Test
	void at1366x768EveryControlOfEveryViewIsInSightOrScrollsIntoIt() throws Exception {
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			Display display = Display.getCurrent();
			RunningWorkbench.resize(window, 1366, 768);
			EModelService models = window.getContext().get(EModelService.class);
			EPartService parts = window.getContext().get(EPartService.class);
			List<String> unreachable = new ArrayList<>();
			for (MPart part : models.findElements(window, null, MPart.class)) {
				parts.showPart(part, PartState.ACTIVATE);
				Displays.settle(display, Screenshots.SETTLE);
				Composite view = (Composite) part.getWidget();
				for (Control control : controls(view)) {
					if (!reachable(view, control)) {
						unreachable.add(part.getLabel() + ": " + describe(control) + " at " + onScreen(control) + ", view at " + onScreen(view));
					}
				}
			}
			assertEquals(List.of(), unreachable, "controls no one can see or scroll to");
			MPart diffusion = (MPart) models.find(DIFFUSION, window);
			parts.showPart(diffusion, PartState.ACTIVATE);
			Label strength = labelled((Composite) diffusion.getWidget(), "Strength");
			assertNotNull(strength, "the Diffusion form has a Strength field");
			assertTrue(reachable((Composite) diffusion.getWidget(), strength), "Strength scrolls into sight");
			Screenshots.save((Shell) window.getWidget(), "workbench-1366x768.png");
		});
	}

	@Test
	void a2560x1440ScreenGivesTheImagesTheRoom() throws Exception {
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			EModelService models = window.getContext().get(EModelService.class);
			MPart diffusion = (MPart) models.find(DIFFUSION, window);
			window.getContext().get(EPartService.class).showPart(diffusion, PartState.ACTIVATE);
			RunningWorkbench.resize(window, 1366, 768);
			Canvas small = largestCanvas((Composite) diffusion.getWidget());
			long smallArea = area(small);
			RunningWorkbench.resize(window, 2560, 1440);
			long largeArea = area(largestCanvas((Composite) diffusion.getWidget()));
			assertTrue(largeArea > 2.5 * smallArea, "the preview grows with the screen: " + smallArea + " → " + largeArea + " pixels");
		});
	}

	@Test
	void theLayoutIsSavedBetweenSessionsUntilTheLayoutVersionChanges() throws Exception {
		RunningWorkbench.run(List.of("-clearPersistedState"), window -> {
			EModelService models = window.getContext().get(EModelService.class);
			models.move(models.find(DEVICES, window), stack(models, window, AtelierUi.PARTSTACK_LEFT));
		});
		Path saved = LayoutLifeCycle.savedLayoutFolder();
		assertTrue(Files.isRegularFile(saved.resolve("workbench.xmi")), "the layout is saved in " + saved);
		assertEquals(Integer.toString(LayoutLifeCycle.LAYOUT_VERSION),
				Files.readString(saved.resolve(LayoutLifeCycle.VERSION_FILE), StandardCharsets.UTF_8), "with its version");

		RunningWorkbench.run(List.of(), window -> assertEquals(AtelierUi.PARTSTACK_LEFT, parentOf(window, DEVICES), "the moved view stays moved"));

		Files.writeString(saved.resolve(LayoutLifeCycle.VERSION_FILE), Integer.toString(LayoutLifeCycle.LAYOUT_VERSION - 1));
		RunningWorkbench.run(List.of("-persistState", "false"),
				window -> assertEquals(AtelierUi.PARTSTACK_BOTTOM, parentOf(window, DEVICES), "an older version's layout is dropped"));
	}

	@Test
	void showViewBringsBackAClosedViewAndResetPerspectivePutsMovedViewsBack() throws Exception {
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			Display display = Display.getCurrent();
			EModelService models = window.getContext().get(EModelService.class);
			EPartService parts = window.getContext().get(EPartService.class);
			MPart devices = (MPart) models.find(DEVICES, window);
			parts.hidePart(devices);
			assertFalse(devices.isToBeRendered(), "closed");
			RunningWorkbench.execute(window, "dev.atelier.ui.command.showView", Map.of(ShowViewHandler.VIEW_ID, DEVICES));
			assertTrue(devices.isToBeRendered() && parts.getActivePart() == devices, "Devices is back and active");

			display.asyncExec(() -> {
				Shell dialog = RunningWorkbench.shellTitled(display, "Show View");
				org.eclipse.swt.widgets.List list = (org.eclipse.swt.widgets.List) find(dialog, org.eclipse.swt.widgets.List.class, null);
				list.select(List.of(list.getItems()).indexOf("Power"));
				Displays.click(find(dialog, Button.class, "Show"));
			});
			RunningWorkbench.execute(window, "dev.atelier.ui.command.showView", Map.of());
			assertEquals("Power", parts.getActivePart().getLabel(), "the view chosen in the dialog is shown");

			models.move(devices, stack(models, window, AtelierUi.PARTSTACK_LEFT));
			RunningWorkbench.execute(window, "dev.atelier.ui.command.resetPerspective", Map.of());
			MPart reset = (MPart) models.find(DEVICES, window);
			assertNotSame(devices, reset, "a fresh copy of the first perspective");
			assertEquals(AtelierUi.PARTSTACK_BOTTOM, parentOf(window, DEVICES), "Devices is back in the bottom stack");
			assertEquals(1, models.findElements(window, AtelierUi.PERSPECTIVE, null).size(), "one perspective, not two");
		});
	}

	/** The controls someone reads or operates: fields, buttons, labels and tables. */
	private static List<Control> controls(Composite parent) {
		List<Control> found = new ArrayList<>();
		for (Control child : parent.getChildren()) {
			if (!child.getVisible() || child instanceof Label label && label.getText().isEmpty() && label.getImage() == null) {
				continue;
			}
			if (child instanceof Table || child instanceof StyledText || !(child instanceof Composite)) {
				found.add(child);
			} else if (!(child instanceof Canvas)) {
				found.addAll(controls((Composite) child));
			}
		}
		return found;
	}

	/** In the view's area as it is, or after its form scrolled to it; a table needs room for a row below its header. */
	private static boolean reachable(Composite view, Control control) {
		if (control instanceof Table table && table.getSize().y < table.getHeaderHeight() + table.getItemHeight()) {
			return false;
		}
		if (inside(onScreen(view), onScreen(control))) {
			return true;
		}
		for (Composite c = control.getParent(); c != null && c != view.getParent(); c = c.getParent()) {
			if (c instanceof ScrolledComposite scroll) {
				scroll.showControl(control);
				Displays.settle(view.getDisplay(), Screenshots.SETTLE);
				return inside(onScreen(view), onScreen(control));
			}
		}
		return false;
	}

	private static boolean inside(Rectangle area, Rectangle r) {
		return r.width > 0 && r.height > 0 && r.x >= area.x - 1 && r.y >= area.y - 1 && r.x + r.width <= area.x + area.width + 1
				&& r.y + r.height <= area.y + area.height + 1;
	}

	/** The part of the control that its ancestors leave visible, in display coordinates. */
	private static Rectangle onScreen(Control control) {
		Rectangle r = control.getDisplay().map(control.getParent(), null, control.getBounds());
		for (Composite c = control.getParent(); c != null && !(c instanceof Shell); c = c.getParent()) {
			Rectangle client = c.getDisplay().map(c, null, c.getClientArea());
			r = r.intersection(client);
		}
		return r;
	}

	private static String describe(Control control) {
		String text = control instanceof Label l ? l.getText() : control instanceof Button b ? b.getText() : control.getToolTipText();
		return control.getClass().getSimpleName() + (text == null || text.isBlank() ? "" : " '" + text + "'");
	}

	private static Label labelled(Composite parent, String text) {
		return (Label) find(parent, Label.class, text);
	}

	private static Control find(Composite parent, Class<? extends Control> type, String text) {
		for (Control child : parent.getChildren()) {
			if (type.isInstance(child) && (text == null || text.equals(child instanceof Label l ? l.getText() : child instanceof Button b ? b.getText() : null))) {
				return child;
			}
			if (child instanceof Composite inner) {
				Control found = find(inner, type, text);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	private static Canvas largestCanvas(Composite parent) {
		Canvas largest = null;
		for (Control child : parent.getChildren()) {
			Canvas candidate = child instanceof Canvas canvas ? canvas : child instanceof Composite inner ? largestCanvas(inner) : null;
			if (candidate != null && (largest == null || area(candidate) > area(largest))) {
				largest = candidate;
			}
		}
		return largest;
	}

	private static long area(Control control) {
		Point size = control.getSize();
		return (long) size.x * size.y;
	}

	@SuppressWarnings("unchecked")
	private static MElementContainer<MUIElement> stack(EModelService models, MWindow window, String id) {
		return (MElementContainer<MUIElement>) models.find(id, window);
	}

	private static String parentOf(MWindow window, String partId) {
		return window.getContext().get(EModelService.class).find(partId, window).getParent().getElementId();
	}
}
