package dev.atelier.outputs.ui;

import java.io.IOException;
import java.nio.file.Path;

import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.PaletteData;

import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.RgbImage;

/**
 * Pixels into SWT image data. Image data is plain memory, so all of this runs off the UI thread; only turning it into
 * an {@link org.eclipse.swt.graphics.Image} needs the display.
 */
public final class SwtImages {

	private SwtImages() {
	}

	/** Larger images are refused before they are decoded (as init images and textures are). */
	public static final long MAX_PIXELS = 8192L * 8192;

	/** The image's pixels as packed RGB in rows. */
	public static int[] argb(RgbImage image) {
		return image.pixels();
	}

	/** Opaque 24-bit image data of packed ARGB pixels (alpha is dropped: generated images have none). */
	public static ImageData imageData(int[] argb, int width, int height) {
		ImageData data = new ImageData(width, height, 24, new PaletteData(0xff0000, 0x00ff00, 0x0000ff));
		int[] row = new int[width];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				row[x] = argb[y * width + x] & 0xffffff;
			}
			data.setPixels(0, y, width, row, 0);
		}
		return data;
	}

	/** The image scaled to fit the box ({@code enlarge}: also when it is smaller), as image data. */
	public static ImageData fitted(RgbImage image, int boxWidth, int boxHeight, boolean enlarge) {
		int w = image.width();
		int h = image.height();
		int[] size = Pixels.fit(w, h, boxWidth, boxHeight, enlarge);
		return imageData(Pixels.resize(argb(image), w, h, size[0], size[1]), size[0], size[1]);
	}

	/**
	 * Reads an image file.
	 *
	 * @throws IOException naming the file when it cannot be read or is not an image
	 */
	public static RgbImage read(Path file) throws IOException {
		return Images.read(file, MAX_PIXELS);
	}
}
