package dev.atelier.testing;

import java.awt.image.BufferedImage;

/** Peak signal-to-noise ratio of two images, over their 8-bit RGB values: how the image checks of issue 15 compare. */
public final class Psnr {

	private Psnr() {
	}

	/** In dB; infinite for equal images. Throws IllegalArgumentException for images of different sizes. */
	public static double of(BufferedImage want, BufferedImage got) {
		if (want.getWidth() != got.getWidth() || want.getHeight() != got.getHeight()) {
			throw new IllegalArgumentException("images of " + want.getWidth() + "×" + want.getHeight() + " and " + got.getWidth() + "×" + got.getHeight());
		}
		double sum = 0;
		for (int y = 0; y < want.getHeight(); y++) {
			for (int x = 0; x < want.getWidth(); x++) {
				int a = want.getRGB(x, y);
				int b = got.getRGB(x, y);
				for (int shift = 0; shift < 24; shift += 8) {
					double d = ((a >> shift) & 0xff) - ((b >> shift) & 0xff);
					sum += d * d;
				}
			}
		}
		double mse = sum / (3.0 * want.getWidth() * want.getHeight());
		return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
	}
}
