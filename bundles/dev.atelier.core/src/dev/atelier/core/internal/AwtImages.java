package dev.atelier.core.internal;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import dev.atelier.core.outputs.RgbImage;

/**
 * The formats other than PNG, through ImageIO; loaded only where the runtime has {@code java.desktop} (the bundle's
 * import of javax.imageio is optional, so the headless product resolves without it).
 */
public final class AwtImages {

	private AwtImages() {
	}

	/** The image's size is read from its header first, so that a decompression bomb is refused before it is decoded. */
	public static RgbImage decode(byte[] data, String name, long maxPixels) throws IOException {
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
			Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
			if (readers == null || !readers.hasNext()) {
				throw new IOException(name + ": not an image format this reads (PNG, JPEG, BMP, GIF)");
			}
			ImageReader reader = readers.next();
			try {
				reader.setInput(in, true, true);
				long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
				if (pixels > maxPixels) {
					throw new IOException(name + ": " + reader.getWidth(0) + "×" + reader.getHeight(0) + " pixels are more than the " + maxPixels + " allowed here");
				}
				BufferedImage image = reader.read(0);
				int w = image.getWidth();
				int h = image.getHeight();
				return RgbImage.wrap(w, h, image.getRGB(0, 0, w, h, null, 0, w));
			} catch (IOException e) {
				if (e.getMessage() != null && e.getMessage().startsWith(name)) {
					throw e;
				}
				throw new IOException(name + ": cannot decode the image: " + e.getMessage(), e);
			} catch (RuntimeException e) {
				throw new IOException(name + ": cannot decode the image: " + e.getMessage(), e);
			} finally {
				reader.dispose();
			}
		}
	}
}
