package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Widget;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.atelier.core.jobs.JobService;

/** Helpers shared by the view tests: waiting, pixels, mouse events, screenshots. */
final class Views {

	private Views() {
	}

	/** The framework's job service. */
	static JobService jobs() throws InterruptedException {
		var context = FrameworkUtil.getBundle(Views.class).getBundleContext();
		ServiceTracker<JobService, JobService> tracker = new ServiceTracker<>(context, JobService.class, null);
		tracker.open();
		try {
			JobService service = tracker.waitForService(10_000);
			assertTrue(service != null, "no job service");
			return service;
		} finally {
			tracker.close();
		}
	}

	static void spin(Display display, BooleanSupplier until) throws InterruptedException {
		spin(display, until, 20_000);
	}

	static void spin(Display display, BooleanSupplier until, long millis) throws InterruptedException {
		long deadline = System.currentTimeMillis() + millis;
		while (!until.getAsBoolean() && System.currentTimeMillis() < deadline) {
			if (!display.readAndDispatch()) {
				Thread.sleep(5);
			}
		}
		assertTrue(until.getAsBoolean(), "the view did not get there in " + millis / 1000 + " s");
	}

	/** Lets pending events run for a while. */
	static void settle(Display display, long millis) throws InterruptedException {
		long until = System.currentTimeMillis() + millis;
		while (System.currentTimeMillis() < until) {
			if (!display.readAndDispatch()) {
				Thread.sleep(5);
			}
		}
	}

	static void click(Widget widget) {
		widget.notifyListeners(SWT.Selection, new Event());
	}

	/** A drag from (x, y) by (dx, dy) in ten steps with a mouse button, shift held or not. */
	static void drag(Widget canvas, int button, boolean shift, int x, int y, int dx, int dy) {
		Event down = new Event();
		down.button = button;
		down.x = x;
		down.y = y;
		down.stateMask = shift ? SWT.SHIFT : 0;
		canvas.notifyListeners(SWT.MouseDown, down);
		for (int i = 1; i <= 10; i++) {
			Event move = new Event();
			move.x = x + dx * i / 10;
			move.y = y + dy * i / 10;
			move.stateMask = (shift ? SWT.SHIFT : 0) | (button == 1 ? SWT.BUTTON1 : SWT.BUTTON2);
			canvas.notifyListeners(SWT.MouseMove, move);
		}
		Event up = new Event();
		up.button = button;
		up.x = x + dx;
		up.y = y + dy;
		canvas.notifyListeners(SWT.MouseUp, up);
	}

	/** A left click at (x, y): press and release, no move in between. */
	static void leftClick(Widget canvas, int x, int y) {
		for (int type : new int[] { SWT.MouseDown, SWT.MouseUp }) {
			Event e = new Event();
			e.button = 1;
			e.x = x;
			e.y = y;
			canvas.notifyListeners(type, e);
		}
	}

	static void key(Widget canvas, char character) {
		Event e = new Event();
		e.character = character;
		e.keyCode = character;
		canvas.notifyListeners(SWT.KeyDown, e);
	}

	static void wheel(Widget canvas, int count) {
		Event e = new Event();
		e.count = count;
		canvas.notifyListeners(SWT.MouseVerticalWheel, e);
	}

	static double luminance(int argb) {
		return 0.2126 * (argb >> 16 & 0xFF) + 0.7152 * (argb >> 8 & 0xFF) + 0.0722 * (argb & 0xFF);
	}

	/** The largest channel difference between two pixels. */
	static int difference(int a, int b) {
		return Math.max(Math.abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF)), Math.max(Math.abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF)), Math.abs((a & 0xFF) - (b & 0xFF))));
	}

	/** The fraction of pixels that differ by more than {@code threshold} in some channel. */
	static double differing(int[] a, int[] b, int threshold) {
		int n = 0;
		for (int i = 0; i < a.length; i++) {
			if (difference(a[i], b[i]) > threshold) {
				n++;
			}
		}
		return n / (double) a.length;
	}

	/** Luminances (0..255) of the pixels within a disc. */
	static double[] disc(int[] pixels, int width, int height, float cx, float cy, float radius) {
		java.util.List<Double> values = new java.util.ArrayList<>();
		for (int y = (int) Math.floor(cy - radius); y <= cy + radius; y++) {
			for (int x = (int) Math.floor(cx - radius); x <= cx + radius; x++) {
				if (x >= 0 && y >= 0 && x < width && y < height && (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius) {
					values.add(luminance(pixels[y * width + x]));
				}
			}
		}
		return values.stream().mapToDouble(Double::doubleValue).toArray();
	}

	static double max(double[] v) {
		return java.util.Arrays.stream(v).max().orElse(0);
	}

	static double mean(double[] v) {
		return java.util.Arrays.stream(v).average().orElse(0);
	}

	static Path screenshots() throws java.io.IOException {
		return Files.createDirectories(Path.of(System.getProperty("atelier.screenshots", "target/screenshots")));
	}

	/** Saves pixels (0xAARRGGBB, rows from the top) as a PNG under the screenshots folder. */
	static void savePixels(int[] argb, int width, int height, String name) throws Exception {
		ImageData data = new ImageData(width, height, 24, new PaletteData(0xFF0000, 0xFF00, 0xFF));
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				data.setPixel(x, y, argb[y * width + x] & 0xFFFFFF);
			}
		}
		ImageLoader loader = new ImageLoader();
		loader.data = new ImageData[] { data };
		loader.save(screenshots().resolve(name).toString(), SWT.IMAGE_PNG);
	}

	/** The shell as it is on the screen (GL content included, which Control.print does not draw), as a PNG. */
	static void screenshot(Shell shell, String name) throws Exception {
		Display display = shell.getDisplay();
		settle(display, 300);
		Point size = shell.getSize();
		Point at = shell.toDisplay(0, 0);
		Image image = new Image(display, size.x, size.y);
		GC gc = new GC(display);
		try {
			gc.copyArea(image, at.x, at.y);
		} finally {
			gc.dispose();
		}
		ImageLoader loader = new ImageLoader();
		loader.data = new ImageData[] { image.getImageData() };
		loader.save(screenshots().resolve(name).toString(), SWT.IMAGE_PNG);
		image.dispose();
	}
}
