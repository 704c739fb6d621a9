package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MPartStack;
import org.eclipse.e4.ui.model.application.ui.menu.MToolControl;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;

import dev.atelier.core.Preferences;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;
import dev.atelier.ui.AtelierUi;
import dev.atelier.ui.ThemeColours;
import dev.atelier.ui.internal.Themes;

/**
 * The light and dark themes read back as pixels: the Welcome text, the tab labels, the status line, and what views
 * paint or colour themselves (a problem in the Diffusion view, the Power view's chart axes and labels, the Devices
 * view's VRAM bar legend) keep a contrast of at least 4.5:1 (WCAG AA) against their background, and the dark theme is
 * dark.
 */
class ThemeTest {

	/** What is measured: the Welcome text, three selected tabs, the status line and three views' own colours. */
	private static final int MEASURED = 8;

	@Test
	void inTheDarkThemeWelcomeTabsAndStatusLineAreLightOnDark() throws Exception {
		Map<String, double[]> measured = measure("dark");
		measured.forEach((what, m) -> {
			assertTrue(m[0] >= 4.5, what + ": contrast " + m[0] + " of " + colours(m));
			assertTrue(m[1] < 0.2, what + ": a dark background, luminance " + m[1]);
		});
		assertEquals(MEASURED, measured.size(), measured.keySet().toString());
	}

	@Test
	void inTheLightThemeWelcomeTabsAndStatusLineAreReadable() throws Exception {
		Map<String, double[]> measured = measure("light");
		measured.forEach((what, m) -> assertTrue(m[0] >= 4.5, what + ": contrast " + m[0] + " of " + colours(m)));
		assertEquals(MEASURED, measured.size(), measured.keySet().toString());
	}

	/** Contrast and background luminance of the Welcome text, each stack's selected tab and the status line. */
	private static Map<String, double[]> measure(String theme) throws Exception {
		Preferences preferences = Services.await(ThemeTest.class, Preferences.class);
		preferences.put(Themes.PREFERENCE, theme);
		Map<String, double[]> measured = new HashMap<>();
		try {
			RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
				Shell shell = (Shell) window.getWidget();
				EModelService models = window.getContext().get(EModelService.class);
				RunningWorkbench.resize(window, 1366, 768);
				Screenshots.save(shell, "theme-" + theme + ".png");
				Composite welcome = (Composite) ((MPart) models.find("dev.atelier.ui.part.welcome", window))
						.getWidget();
				Control intro = RunningWorkbench.find(welcome, Label.class, l -> l.getText().startsWith("A workbench for makers"));
				measured.put("Welcome text", contrast(intro, new Rectangle(0, 0, intro.getSize().x, intro.getSize().y)));
				for (String stack : List.of(AtelierUi.PARTSTACK_LEFT, AtelierUi.PARTSTACK_CENTER, AtelierUi.PARTSTACK_BOTTOM)) {
					CTabFolder tabs = (CTabFolder) ((MPartStack) models.find(stack, window)).getWidget();
					// the selected tab, the first in each stack here
					measured.put("selected tab of " + stack, contrast(tabs, tabs.getItem(0).getBounds()));
				}
				Composite status = (Composite) ((MToolControl) models.find("dev.atelier.ui.statusline", window)).getWidget();
				Label ready = firstLabel(status);
				measured.put("status line", contrast(ready, new Rectangle(0, 0, ready.getSize().x, ready.getSize().y)));

				// a seed that is no number: the Diffusion view says so, as a problem
				Composite diffusion = show(window, "dev.atelier.diffusion.ui.part.diffusion");
				Text seed = RunningWorkbench.find(diffusion, Text.class, t -> t.getText().equals("-1"));
				seed.setText("seven");
				seed.notifyListeners(SWT.Modify, new Event());
				Displays.settle(shell.getDisplay(), Screenshots.SETTLE);
				Label problem = RunningWorkbench.find(diffusion, Label.class, l -> ThemeColours.isProblem(l) && l.isVisible() && !l.getText().isEmpty());
				measured.put("Diffusion problem: " + problem.getText(), contrast(problem, new Rectangle(0, 0, problem.getSize().x, problem.getSize().y)));
				Composite power = show(window, "dev.atelier.power.ui.part.power");
				Canvas chart = RunningWorkbench.find(power, Canvas.class, c -> c.getClass().getSimpleName().equals("LineChart"));
				measured.put("Power chart", contrast(chart, new Rectangle(0, 0, chart.getSize().x, chart.getSize().y)));
				Composite devices = show(window, "dev.atelier.device.ui.part.devices");
				Composite legend = RunningWorkbench.find(devices, Composite.class, c -> c.getClass().getSimpleName().equals("VramLegend"));
				Label entry = RunningWorkbench.find(legend, Label.class, l -> !l.getText().isEmpty());
				measured.put("VRAM legend: " + entry.getText(), contrast(entry, new Rectangle(0, 0, entry.getSize().x, entry.getSize().y)));
				Screenshots.save(shell, "theme-" + theme + "-views.png");
				// GTK's dark preference is the process's: the next workbench of this JVM starts from light, as a new IDE does
				shell.getDisplay().setDarkThemePreferred(false);
			});
		} finally {
			preferences.put(Themes.PREFERENCE, "");
		}
		return measured;
	}

	/** Brings a view to the front and lets it lay out and paint. */
	private static Composite show(MWindow window, String id) {
		MPart part = window.getContext().get(EPartService.class).showPart(id, EPartService.PartState.ACTIVATE);
		Displays.settle(Display.getCurrent(), Screenshots.SETTLE);
		return (Composite) part.getWidget();
	}

	/** The window as it draws itself. */
	private static ImageData snapshot(Control control) {
		Image image = new Image(control.getDisplay(), control.getSize().x, control.getSize().y);
		GC gc = new GC(image);
		try {
			control.print(gc);
			return image.getImageData();
		} finally {
			gc.dispose();
			image.dispose();
		}
	}

	/**
	 * The WCAG contrast of the pixel farthest from the area's most common colour (its background), that background's
	 * luminance, the pixel's colour and the background's (0xRRGGBB).
	 */
	private static double[] contrast(Control control, Rectangle area) {
		// the window as printed: its menu bar above the client area that the controls are placed in
		Shell shell = control.getShell();
		ImageData pixels = snapshot(shell);
		Point client = shell.toDisplay(0, 0);
		Rectangle r = shell.getDisplay().map(control, shell, area);
		r.x += client.x - shell.getLocation().x;
		r.y += client.y - shell.getLocation().y;
		PaletteData palette = pixels.palette;
		Map<Integer, Integer> counts = new HashMap<>();
		List<RGB> colours = new ArrayList<>();
		for (int y = Math.max(0, r.y); y < Math.min(pixels.height, r.y + r.height); y++) {
			for (int x = Math.max(0, r.x); x < Math.min(pixels.width, r.x + r.width); x++) {
				RGB rgb = palette.getRGB(pixels.getPixel(x, y));
				colours.add(rgb);
				counts.merge((rgb.red << 16) | (rgb.green << 8) | rgb.blue, 1, Integer::sum);
			}
		}
		int background = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
		double lb = luminance(new RGB(background >> 16, (background >> 8) & 0xff, background & 0xff));
		double best = 1;
		int text = background;
		for (RGB rgb : colours) {
			double l = luminance(rgb);
			double c = (Math.max(l, lb) + 0.05) / (Math.min(l, lb) + 0.05);
			if (c > best) {
				best = c;
				text = (rgb.red << 16) | (rgb.green << 8) | rgb.blue;
			}
		}
		return new double[] { best, lb, text, background };
	}

	private static String colours(double[] measured) {
		return String.format("#%06x on #%06x", (int) measured[2], (int) measured[3]);
	}

	private static double luminance(RGB rgb) {
		return 0.2126 * linear(rgb.red) + 0.7152 * linear(rgb.green) + 0.0722 * linear(rgb.blue);
	}

	private static double linear(int channel) {
		double c = channel / 255.0;
		return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
	}

	private static Label firstLabel(Composite composite) {
		for (Control child : composite.getChildren()) {
			if (child instanceof Label label && !label.getText().isEmpty()) {
				return label;
			}
			if (child instanceof Composite inner && firstLabel(inner) != null) {
				return firstLabel(inner);
			}
		}
		return null;
	}
}
