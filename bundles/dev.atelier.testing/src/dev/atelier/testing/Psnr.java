package dev.atelier.testing;

import dev.atelier.core.outputs.RgbImage;

/** Peak signal-to-noise ratio of two images, over their 8-bit RGB values: how the image checks of issue 15 compare. */
public final class Psnr {

	private Psnr() {
	}

	/**
	 * The largest difference of an 8-bit colour channel between two images of one size: "the same image" where the CPU
	 * backend's vector sums round a last bit differently once compiled is within one level.
	 */
	public static int largestDifference(RgbImage want, RgbImage got) {
		if (want.width() != got.width() || want.height() != got.height()) {
			throw new IllegalArgumentException("images of " + want.width() + "×" + want.height() + " and " + got.width() + "×" + got.height());
		}
		int largest = 0;
		int[] a = want.pixels();
		int[] b = got.pixels();
		for (int i = 0; i < a.length; i++) {
			for (int shift = 0; shift < 24; shift += 8) {
				largest = Math.max(largest, Math.abs((a[i] >> shift & 0xff) - (b[i] >> shift & 0xff)));
			}
		}
		return largest;
	}

	/** In dB; infinite for equal images. Throws IllegalArgumentException for images of different sizes. */
	public static double of(RgbImage want, RgbImage got) {
		if (want.width() != got.width() || want.height() != got.height()) {
			throw new IllegalArgumentException("images of " + want.width() + "×" + want.height() + " and " + got.width() + "×" + got.height());
		}
		double sum = 0;
		for (int y = 0; y < want.height(); y++) {
			for (int x = 0; x < want.width(); x++) {
				int a = want.rgb(x, y);
				int b = got.rgb(x, y);
				for (int shift = 0; shift < 24; shift += 8) {
					double d = ((a >> shift) & 0xff) - ((b >> shift) & 0xff);
					sum += d * d;
				}
			}
		}
		double mse = sum / (3.0 * want.width() * want.height());
		return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
	}
}
