package dev.atelier.outputs.ui;

import java.util.List;

/**
 * Scaling math for thumbnails and previews, on packed {@code 0xAARRGGBB} pixels in rows: plain Java, so that images
 * can be prepared off the UI thread and the arithmetic tested without a display.
 */
public final class Pixels {

	private Pixels() {
	}

	/**
	 * The size of a {@code width}×{@code height} image scaled to fit a {@code boxWidth}×{@code boxHeight} box with its
	 * aspect ratio kept, each side at least 1 pixel. Without {@code enlarge} an image that already fits keeps its size.
	 *
	 * @return {width, height}
	 */
	public static int[] fit(int width, int height, int boxWidth, int boxHeight, boolean enlarge) {
		if (width <= 0 || height <= 0) {
			throw new IllegalArgumentException("image size " + width + "x" + height);
		}
		int bw = Math.max(1, boxWidth);
		int bh = Math.max(1, boxHeight);
		double scale = Math.min((double) bw / width, (double) bh / height);
		if (!enlarge) {
			scale = Math.min(scale, 1);
		}
		int w = (int) Math.max(1, Math.min(bw, Math.round(width * scale)));
		int h = (int) Math.max(1, Math.min(bh, Math.round(height * scale)));
		return new int[] { w, h };
	}

	/**
	 * The image resampled to {@code toWidth}×{@code toHeight}: by averaging the source pixels each target pixel
	 * covers when it shrinks on both axes (thumbnails stay smooth), bilinearly otherwise (previews grow without blocks).
	 */
	public static int[] resize(int[] argb, int width, int height, int toWidth, int toHeight) {
		if (argb.length < width * height) {
			throw new IllegalArgumentException(argb.length + " pixels for " + width + "x" + height);
		}
		if (toWidth == width && toHeight == height) {
			return argb.clone();
		}
		return toWidth <= width && toHeight <= height ? average(argb, width, height, toWidth, toHeight)
				: bilinear(argb, width, height, toWidth, toHeight);
	}

	private static int[] average(int[] src, int w, int h, int tw, int th) {
		int[] out = new int[tw * th];
		for (int ty = 0; ty < th; ty++) {
			int y0 = (int) ((long) ty * h / th);
			int y1 = Math.max(y0 + 1, (int) ((long) (ty + 1) * h / th));
			for (int tx = 0; tx < tw; tx++) {
				int x0 = (int) ((long) tx * w / tw);
				int x1 = Math.max(x0 + 1, (int) ((long) (tx + 1) * w / tw));
				long a = 0, r = 0, g = 0, b = 0;
				for (int y = y0; y < y1; y++) {
					for (int x = x0; x < x1; x++) {
						int p = src[y * w + x];
						a += p >>> 24;
						r += (p >> 16) & 0xff;
						g += (p >> 8) & 0xff;
						b += p & 0xff;
					}
				}
				long n = (long) (y1 - y0) * (x1 - x0);
				out[ty * tw + tx] = pack((a + n / 2) / n, (r + n / 2) / n, (g + n / 2) / n, (b + n / 2) / n);
			}
		}
		return out;
	}

	private static int[] bilinear(int[] src, int w, int h, int tw, int th) {
		int[] out = new int[tw * th];
		for (int ty = 0; ty < th; ty++) {
			double sy = clamp((ty + 0.5) * h / th - 0.5, h - 1);
			int y0 = (int) sy;
			int y1 = Math.min(y0 + 1, h - 1);
			double fy = sy - y0;
			for (int tx = 0; tx < tw; tx++) {
				double sx = clamp((tx + 0.5) * w / tw - 0.5, w - 1);
				int x0 = (int) sx;
				int x1 = Math.min(x0 + 1, w - 1);
				double fx = sx - x0;
				int p00 = src[y0 * w + x0], p01 = src[y0 * w + x1], p10 = src[y1 * w + x0], p11 = src[y1 * w + x1];
				long[] c = new long[4];
				for (int k = 0; k < 4; k++) {
					int shift = 24 - 8 * k;
					double top = channel(p00, shift) * (1 - fx) + channel(p01, shift) * fx;
					double bottom = channel(p10, shift) * (1 - fx) + channel(p11, shift) * fx;
					c[k] = Math.round(top * (1 - fy) + bottom * fy);
				}
				out[ty * tw + tx] = pack(c[0], c[1], c[2], c[3]);
			}
		}
		return out;
	}

	/**
	 * Images of one size in a grid of {@code columns} (a divisor of their number, see {@link #columns}), so that every
	 * tile holds an image: a batch's previews shown as one picture.
	 *
	 * @return the pixels of a {@code columns × width} by {@code rows × height} image
	 */
	public static int[] mosaic(List<int[]> images, int width, int height, int columns) {
		if (columns < 1 || images.size() % columns != 0) {
			throw new IllegalArgumentException(images.size() + " images in " + columns + " columns would leave empty tiles");
		}
		int mosaicWidth = columns * width;
		int[] out = new int[mosaicWidth * (images.size() / columns) * height];
		for (int i = 0; i < images.size(); i++) {
			int[] image = images.get(i);
			int ox = (i % columns) * width;
			int oy = (i / columns) * height;
			for (int y = 0; y < height; y++) {
				System.arraycopy(image, y * width, out, (oy + y) * mosaicWidth + ox, width);
			}
		}
		return out;
	}

	/**
	 * How many columns {@code n} images of {@code width}×{@code height} take so that the grid shows them largest in a
	 * {@code boxWidth}×{@code boxHeight} box; only divisors of {@code n}, so that no tile stays empty (3 images are a
	 * row of 3 in a wide box, a column in a tall one; 4 are 2×2 in a square).
	 */
	public static int columns(int n, int width, int height, int boxWidth, int boxHeight) {
		int best = 1;
		double bestScale = -1;
		for (int c = 1; c <= Math.max(1, n); c++) {
			if (n % c == 0) {
				double scale = Math.min((double) boxWidth / (c * width), (double) boxHeight / (n / c * height));
				if (scale > bestScale) {
					best = c;
					bestScale = scale;
				}
			}
		}
		return best;
	}

	private static double clamp(double v, int max) {
		return Math.max(0, Math.min(max, v));
	}

	private static int channel(int p, int shift) {
		return (p >>> shift) & 0xff;
	}

	private static int pack(long a, long r, long g, long b) {
		return (int) (a << 24 | r << 16 | g << 8 | b);
	}
}
