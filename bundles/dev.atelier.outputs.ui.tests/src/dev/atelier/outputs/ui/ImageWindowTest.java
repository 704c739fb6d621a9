package dev.atelier.outputs.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.ImageTransfer;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;

/** The image viewer on a real PNG with parameters: fit, zoom, pixels on screen, save as, copy, the parameters beside. */
class ImageWindowTest {

	@TempDir
	Path dir;
	private Display display;
	private Shell parent;
	private ImageWindow window;
	private Path file;

	@BeforeEach
	void open() throws Exception {
		display = Display.getDefault();
		parent = new Shell(display);
		// left half red, right half blue, so that zooming and panning show in the pixels
		RgbImage image = new RgbImage(64, 32);
		for (int y = 0; y < 32; y++) {
			for (int x = 0; x < 64; x++) {
				image.setRgb(x, y, x < 32 ? 0xff0000 : 0x0000ff);
			}
		}
		Map<String, String> text = new LinkedHashMap<>();
		text.put(PngInfo.PARAMETERS, "a red fox\nSteps: 4, Sampler: Euler a, CFG scale: 7.5, Seed: 43, Size: 64x32");
		file = Files.write(dir.resolve("00001-43.png"), PngInfo.encode(image, text));
		window = ImageWindow.open(parent, file);
	}

	@AfterEach
	void close() {
		parent.dispose();
	}

	private Canvas canvas() {
		return find(window.shell(), Canvas.class);
	}

	private static <T> T find(Composite in, Class<T> type) {
		for (Control c : in.getChildren()) {
			if (type.isInstance(c)) {
				return type.cast(c);
			}
			if (c instanceof Composite inner) {
				T found = find(inner, type);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}

	/** What the canvas shows, drawn into an image. */
	private RGB shownAt(int x, int y) {
		Canvas canvas = canvas();
		Displays.settle(display, Screenshots.SETTLE);
		Rectangle area = canvas.getClientArea();
		Image shot = new Image(display, area.width, area.height);
		GC gc = new GC(shot);
		try {
			canvas.print(gc);
			return Screenshots.pixel(shot, x, y);
		} finally {
			gc.dispose();
			shot.dispose();
		}
	}

	@Test
	void theImageFitsTheWindowAndZoomsInAndOutAboutItsCentre() throws Exception {
		Displays.settle(display, Screenshots.SETTLE);
		assertTrue(window.fitted());
		Rectangle area = canvas().getClientArea();
		double fit = window.scale();
		assertEquals(Math.min(area.width / 64.0, area.height / 32.0), fit, 1e-9, "fit enlarges a small image to the window");
		int cx = area.width / 2;
		int cy = area.height / 2;
		assertEquals(new RGB(255, 0, 0), shownAt(cx - (int) (16 * fit), cy), "the left half, red");
		assertEquals(new RGB(0, 0, 255), shownAt(cx + (int) (16 * fit), cy), "the right half, blue");

		window.zoomIn();
		assertFalse(window.fitted());
		assertEquals(fit * 1.25, window.scale(), 1e-9);
		window.zoomOut();
		window.zoomOut();
		assertEquals(fit / 1.25, window.scale(), 1e-9);
		assertEquals(new RGB(255, 0, 0), shownAt(cx - (int) (16 * fit / 1.25), cy), "still centred after zooming");
		Screenshots.save(window.shell(), "image-window.png");
	}

	@Test
	void theParametersShowBesideTheImageAndSaveAsKeepsThem() throws Exception {
		assertTrue(window.parameters().startsWith("a red fox\nSteps: 4, Sampler: Euler a"), window.parameters());
		Path copy = dir.resolve("saved.png");
		window.saveAs(copy);
		assertEquals(-1, Files.mismatch(file, copy), "a byte-for-byte copy, parameters included");
	}

	@Test
	void copyPutsTheImageOnTheClipboard() {
		window.copy();
		Clipboard clipboard = new Clipboard(display);
		try {
			ImageData data = (ImageData) clipboard.getContents(ImageTransfer.getInstance());
			assertTrue(data != null, "an image on the clipboard");
			assertEquals(64, data.width);
			assertEquals(32, data.height);
			RGB left = data.palette.getRGB(data.getPixel(5, 5));
			assertEquals(new RGB(255, 0, 0), left);
		} finally {
			clipboard.dispose();
		}
	}
}
