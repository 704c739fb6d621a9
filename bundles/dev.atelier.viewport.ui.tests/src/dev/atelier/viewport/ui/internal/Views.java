package dev.atelier.viewport.ui.internal;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Widget;

import dev.atelier.core.jobs.JobService;
import dev.atelier.testing.Services;

/** Helpers shared by the view tests: the job service, pixels, mouse and key events. */
final class Views {

	private Views() {
	}

	/** The framework's job service. */
	static JobService jobs() throws InterruptedException {
		return Services.await(Views.class, JobService.class);
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

	/** All eight corners of the bounds ({minX, minY, minZ, maxX, maxY, maxZ}) project into a view of the size given. */
	static void assertBoundsInView(OrbitCamera camera, float[] b, int width, int height) {
		for (int i = 0; i < 8; i++) {
			float[] corner = { (i & 1) == 0 ? b[0] : b[3], (i & 2) == 0 ? b[1] : b[4], (i & 4) == 0 ? b[2] : b[5] };
			float[] p = camera.project(corner, width, height);
			org.junit.jupiter.api.Assertions.assertTrue(p != null && p[0] >= 0 && p[0] <= width && p[1] >= 0 && p[1] <= height, "bounds corner " + i + " in view");
		}
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
}
