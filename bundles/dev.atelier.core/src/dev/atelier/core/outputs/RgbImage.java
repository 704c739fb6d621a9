package dev.atelier.core.outputs;

import java.util.Arrays;

/**
 * An 8-bit RGB image, pixels row by row as {@code 0xRRGGBB}. The image type the engines hand out and the outputs
 * write: plain Java, so that the headless product runs without {@code java.desktop}.
 */
public final class RgbImage {

	private final int width;
	private final int height;
	private final int[] rgb;

	/** A black image. */
	public RgbImage(int width, int height) {
		this(width, height, new int[checkedSize(width, height)]);
	}

	private RgbImage(int width, int height, int[] rgb) {
		this.width = width;
		this.height = height;
		this.rgb = rgb;
	}

	/** An image over {@code rgb} (not copied): {@code width × height} pixels as {@code 0xRRGGBB}; bits above 24 are ignored. */
	public static RgbImage wrap(int width, int height, int[] rgb) {
		if (rgb.length != checkedSize(width, height)) {
			throw new IllegalArgumentException(width + "×" + height + " pixels, but " + rgb.length + " given");
		}
		return new RgbImage(width, height, rgb);
	}

	private static int checkedSize(int width, int height) {
		if (width <= 0 || height <= 0 || (long) width * height > Integer.MAX_VALUE - 8) {
			throw new IllegalArgumentException("an image of " + width + "×" + height + " pixels");
		}
		return width * height;
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	public int rgb(int x, int y) {
		return rgb[y * width + x] & 0xFFFFFF;
	}

	public void setRgb(int x, int y, int value) {
		rgb[y * width + x] = value & 0xFFFFFF;
	}

	/** The pixels themselves, row by row (writes show in the image). */
	public int[] pixels() {
		return rgb;
	}

	/**
	 * This image resampled to {@code w × h}: bilinear when enlarging, the mean of the covered source pixels when
	 * shrinking (so that a downscaled photo does not alias).
	 */
	public RgbImage scaled(int w, int h) {
		if (w == width && h == height) {
			return new RgbImage(w, h, rgb.clone());
		}
		RgbImage out = new RgbImage(w, h);
		float[] sum = new float[3];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				Arrays.fill(sum, 0);
				if (w <= width && h <= height) {
					box(x, y, w, h, sum);
				} else {
					bilinear(x, y, w, h, sum);
				}
				out.rgb[y * w + x] = to8(sum[0]) << 16 | to8(sum[1]) << 8 | to8(sum[2]);
			}
		}
		return out;
	}

	private void box(int x, int y, int w, int h, float[] sum) {
		int x0 = (int) ((long) x * width / w);
		int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * width / w));
		int y0 = (int) ((long) y * height / h);
		int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * height / h));
		for (int sy = y0; sy < y1; sy++) {
			for (int sx = x0; sx < x1; sx++) {
				add(rgb[sy * width + sx], 1, sum);
			}
		}
		float n = (x1 - x0) * (y1 - y0);
		for (int c = 0; c < 3; c++) {
			sum[c] /= n;
		}
	}

	private void bilinear(int x, int y, int w, int h, float[] sum) {
		float fx = Math.clamp((x + 0.5f) * width / w - 0.5f, 0, width - 1);
		float fy = Math.clamp((y + 0.5f) * height / h - 0.5f, 0, height - 1);
		int x0 = (int) fx;
		int y0 = (int) fy;
		int x1 = Math.min(x0 + 1, width - 1);
		int y1 = Math.min(y0 + 1, height - 1);
		float ax = fx - x0;
		float ay = fy - y0;
		add(rgb[y0 * width + x0], (1 - ax) * (1 - ay), sum);
		add(rgb[y0 * width + x1], ax * (1 - ay), sum);
		add(rgb[y1 * width + x0], (1 - ax) * ay, sum);
		add(rgb[y1 * width + x1], ax * ay, sum);
	}

	private static void add(int pixel, float weight, float[] sum) {
		sum[0] += weight * (pixel >> 16 & 0xFF);
		sum[1] += weight * (pixel >> 8 & 0xFF);
		sum[2] += weight * (pixel & 0xFF);
	}

	private static int to8(float v) {
		return Math.clamp(Math.round(v), 0, 255);
	}
}
