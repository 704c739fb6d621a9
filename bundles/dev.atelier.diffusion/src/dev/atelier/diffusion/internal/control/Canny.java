package dev.atelier.diffusion.internal.control;

import java.util.ArrayDeque;
import java.util.Deque;

import dev.atelier.core.outputs.RgbImage;

/**
 * The canny preprocessor as AUTOMATIC1111's ControlNet extension runs it: OpenCV's {@code cv2.Canny(image, low, high)}
 * on the 8-bit RGB image, by OpenCV's definition. Per pixel the 3×3 Sobel derivatives of each channel (border
 * replicated), the channel of the largest magnitude taken; the magnitude is the L1 norm |dx| + |dy| (OpenCV's default,
 * {@code L2gradient=false}), and the thresholds are compared with it: a pixel is an edge candidate above {@code low} and
 * a sure edge above {@code high}. Non-maximum suppression along the gradient's direction quantised to 0°, 45°, 90° or
 * 135° (OpenCV's tan 22.5° test), then hysteresis: candidates 8-connected to a sure edge are edges. OpenCV's Canny does
 * not blur first (a caller wanting less noise blurs the image), and neither does this.
 */
public final class Canny {

	/** tan(22.5°) in OpenCV's 15-bit fixed point. */
	private static final long TG22 = 13573;

	private Canny() {
	}

	/** White edges on black, the image's size. */
	public static RgbImage edges(RgbImage image, int low, int high) {
		if (low < 0 || high < low) {
			throw new IllegalArgumentException("canny thresholds must be 0 ≤ low ≤ high, not " + low + " and " + high);
		}
		int w = image.width();
		int h = image.height();
		int[] dx = new int[w * h];
		int[] dy = new int[w * h];
		int[] mag = new int[w * h];
		int[] rgb = image.pixels();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				int best = -1;
				for (int shift = 16; shift >= 0; shift -= 8) {
					int gx = channel(rgb, w, h, x + 1, y - 1, shift) + 2 * channel(rgb, w, h, x + 1, y, shift) + channel(rgb, w, h, x + 1, y + 1, shift)
							- channel(rgb, w, h, x - 1, y - 1, shift) - 2 * channel(rgb, w, h, x - 1, y, shift) - channel(rgb, w, h, x - 1, y + 1, shift);
					int gy = channel(rgb, w, h, x - 1, y + 1, shift) + 2 * channel(rgb, w, h, x, y + 1, shift) + channel(rgb, w, h, x + 1, y + 1, shift)
							- channel(rgb, w, h, x - 1, y - 1, shift) - 2 * channel(rgb, w, h, x, y - 1, shift) - channel(rgb, w, h, x + 1, y - 1, shift);
					int m = Math.abs(gx) + Math.abs(gy);
					if (m > best) {
						best = m;
						dx[y * w + x] = gx;
						dy[y * w + x] = gy;
					}
				}
				mag[y * w + x] = best;
			}
		}
		// 0: candidate, 1: no edge, 2: sure edge
		byte[] map = new byte[w * h];
		Deque<Integer> sure = new ArrayDeque<>();
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				int i = y * w + x;
				int m = mag[i];
				map[i] = 1;
				if (m <= low || !localMaximum(mag, w, h, x, y, dx[i], dy[i])) {
					continue;
				}
				if (m > high) {
					map[i] = 2;
					sure.push(i);
				} else {
					map[i] = 0;
				}
			}
		}
		while (!sure.isEmpty()) {
			int i = sure.pop();
			int x = i % w;
			int y = i / w;
			for (int ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
				for (int nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
					int n = ny * w + nx;
					if (map[n] == 0) {
						map[n] = 2;
						sure.push(n);
					}
				}
			}
		}
		RgbImage out = new RgbImage(w, h);
		int[] px = out.pixels();
		for (int i = 0; i < px.length; i++) {
			px[i] = map[i] == 2 ? 0xFFFFFF : 0;
		}
		return out;
	}

	/**
	 * OpenCV's suppression test: across a mostly horizontal gradient the left and right neighbours, across a mostly
	 * vertical one those above and below, else the diagonal the gradient's signs give; strictly greater than the
	 * earlier neighbour, not less than the later (so a plateau keeps one pixel). Outside the image counts as 0.
	 */
	private static boolean localMaximum(int[] mag, int w, int h, int x, int y, int gx, int gy) {
		int m = mag[y * w + x];
		long xs = Math.abs(gx);
		long ys = Math.abs(gy);
		long tg22x = xs * TG22;
		long scaledY = ys << 15;
		if (scaledY < tg22x) {
			return m > at(mag, w, h, x - 1, y) && m >= at(mag, w, h, x + 1, y);
		}
		long tg67x = tg22x + (xs << 16);
		if (scaledY > tg67x) {
			return m > at(mag, w, h, x, y - 1) && m >= at(mag, w, h, x, y + 1);
		}
		int s = (gx ^ gy) < 0 ? -1 : 1;
		return m > at(mag, w, h, x - s, y - 1) && m > at(mag, w, h, x + s, y + 1);
	}

	private static int at(int[] mag, int w, int h, int x, int y) {
		return x < 0 || y < 0 || x >= w || y >= h ? 0 : mag[y * w + x];
	}

	/** A channel's 8-bit value at (x, y), the border replicated. */
	private static int channel(int[] rgb, int w, int h, int x, int y, int shift) {
		int cx = Math.clamp(x, 0, w - 1);
		int cy = Math.clamp(y, 0, h - 1);
		return (rgb[cy * w + cx] >> shift) & 0xFF;
	}
}
