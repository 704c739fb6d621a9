package dev.atelier.testing.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;

/**
 * PNGs of views under test, in the folder the build names with the system property {@value #FOLDER_PROPERTY}
 * ({@code target/screenshots} otherwise), to look at after a run.
 */
public final class Screenshots {

	public static final String FOLDER_PROPERTY = "atelier.screenshots";
	/** Layouts and paints done before the picture is taken. */
	public static final Duration SETTLE = Duration.ofMillis(300);

	private Screenshots() {
	}

	/** The screenshots folder, created. */
	public static Path folder() throws IOException {
		return Files.createDirectories(Path.of(System.getProperty(FOLDER_PROPERTY, "target/screenshots")));
	}

	/** The control as it draws itself ({@link Control#print}), after the display settled. Returns the file. */
	public static Path save(Control control, String name) throws IOException {
		Display display = control.getDisplay();
		Displays.settle(display, SETTLE);
		Point size = control.getSize();
		Image image = new Image(display, size.x, size.y);
		try {
			GC gc = new GC(image);
			try {
				control.print(gc);
			} finally {
				gc.dispose();
			}
			return write(image.getImageData(), name);
		} finally {
			image.dispose();
		}
	}

	/**
	 * The control as it is on the screen, copied from the display: this includes what {@link Control#print} leaves
	 * out, such as OpenGL content. Returns the file.
	 */
	public static Path saveFromScreen(Control control, String name) throws IOException {
		Display display = control.getDisplay();
		Displays.settle(display, SETTLE);
		Point size = control.getSize();
		Point at = control.toDisplay(0, 0);
		Image image = new Image(display, size.x, size.y);
		try {
			GC gc = new GC(display);
			try {
				gc.copyArea(image, at.x, at.y);
			} finally {
				gc.dispose();
			}
			return write(image.getImageData(), name);
		} finally {
			image.dispose();
		}
	}

	/** Pixels (0xAARRGGBB in rows from the top; alpha dropped) as a PNG. Returns the file. */
	public static Path savePixels(int[] argb, int width, int height, String name) throws IOException {
		ImageData data = new ImageData(width, height, 24, new PaletteData(0xFF0000, 0xFF00, 0xFF));
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				data.setPixel(x, y, argb[y * width + x] & 0xFFFFFF);
			}
		}
		return write(data, name);
	}

	/** The colour of an image's pixel, as a view drew it. */
	public static RGB pixel(Image image, int x, int y) {
		ImageData data = image.getImageData();
		return data.palette.getRGB(data.getPixel(x, y));
	}

	private static Path write(ImageData data, String name) throws IOException {
		Path file = folder().resolve(name);
		ImageLoader loader = new ImageLoader();
		loader.data = new ImageData[] { data };
		loader.save(file.toString(), SWT.IMAGE_PNG);
		return file;
	}
}
