package dev.atelier.viewport.internal.gltf;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes a PNG or JPEG (through javax.imageio) into linear RGBA floats, from sRGB for colour textures. The image's
 * size is checked before its pixels are decoded, and a broken image is an error naming it, never an exception from
 * the decoder.
 */
final class ImageDecoder {

	/** 8192 × 8192: four floats a pixel stay within the loader's 2^28 values. */
	static final long MAX_PIXELS = Accessors.MAX_VALUES / 4;

	record Pixels(int width, int height, float[] rgba) {
	}

	private ImageDecoder() {
	}

	static Pixels decode(Json image, ByteBuffer data, boolean srgb) throws GltfException {
		byte[] bytes = new byte[data.remaining()];
		data.duplicate().get(bytes);
		try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
			ImageReader reader = pngOrJpegReader(in);
			if (reader == null) {
				throw image.error("is not a PNG or JPEG image ("
						+ (bytes.length == 0 ? "it is empty" : "it starts with " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, bytes.length))) + ")");
			}
			try {
				reader.setInput(in, true, true);
				long width = reader.getWidth(0);
				long height = reader.getHeight(0);
				if (width * height > MAX_PIXELS) {
					throw image.error(width + "×" + height + " pixels are more than the " + MAX_PIXELS + " the loader accepts");
				}
				BufferedImage decoded = reader.read(0);
				return new Pixels(decoded.getWidth(), decoded.getHeight(), linear(decoded, srgb));
			} finally {
				reader.dispose();
			}
		} catch (GltfException e) {
			throw e;
		} catch (IOException | RuntimeException e) {
			throw image.error("cannot be decoded: " + e.getMessage(), e);
		}
	}

	/** glTF's core formats only: other readers (WBMP above all) would take arbitrary bytes for an image. */
	private static ImageReader pngOrJpegReader(ImageInputStream in) throws IOException {
		for (Iterator<ImageReader> readers = ImageIO.getImageReaders(in); readers.hasNext();) {
			ImageReader r = readers.next();
			String format = r.getFormatName().toLowerCase(Locale.ROOT);
			if (format.equals("png") || format.equals("jpeg")) {
				return r;
			}
		}
		return null;
	}

	private static float[] linear(BufferedImage img, boolean srgb) {
		int w = img.getWidth();
		int h = img.getHeight();
		float[] out = new float[4 * w * h];
		ColorModel cm = img.getColorModel();
		int transfer = cm.getTransferType();
		int colours = cm.getNumColorComponents();
		if (cm instanceof ComponentColorModel && (transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT) && !cm.isAlphaPremultiplied()
				&& (colours == 1 || colours == 3)) {
			// The stored samples as they are: glTF has colour profiles and gamma chunks ignored, which getRGB would apply.
			Raster raster = img.getRaster();
			int bands = raster.getNumBands();
			float[][] tables = new float[bands][];
			for (int b = 0; b < bands; b++) {
				tables[b] = table(cm.getComponentSize(b), srgb && b < colours);
			}
			int[] row = new int[w * bands];
			for (int y = 0; y < h; y++) {
				raster.getPixels(0, y, w, 1, row);
				for (int x = 0; x < w; x++) {
					int s = x * bands;
					int o = 4 * (y * w + x);
					for (int c = 0; c < 3; c++) {
						int b = colours == 1 ? 0 : c;
						out[o + c] = tables[b][row[s + b]];
					}
					out[o + 3] = cm.hasAlpha() ? tables[bands - 1][row[s + bands - 1]] : 1;
				}
			}
		} else {
			float[] colour = table(8, srgb);
			float[] alpha = table(8, false);
			int[] row = new int[w];
			for (int y = 0; y < h; y++) {
				img.getRGB(0, y, w, 1, row, 0, w);
				for (int x = 0; x < w; x++) {
					int argb = row[x];
					int o = 4 * (y * w + x);
					out[o] = colour[argb >>> 16 & 0xFF];
					out[o + 1] = colour[argb >>> 8 & 0xFF];
					out[o + 2] = colour[argb & 0xFF];
					out[o + 3] = alpha[argb >>> 24];
				}
			}
		}
		return out;
	}

	/** Every value of a {@code bits}-bit sample as a float in [0, 1], decoded from sRGB where asked. */
	private static float[] table(int bits, boolean srgb) {
		int max = (1 << bits) - 1;
		float[] t = new float[max + 1];
		for (int v = 0; v <= max; v++) {
			double c = (double) v / max;
			t[v] = (float) (srgb ? (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)) : c);
		}
		return t;
	}
}
