package dev.atelier.cli;

import java.util.Locale;

/** An image's size as {@code --size WIDTHxHEIGHT} gives it, e.g. {@code 1280x720}: both sides positive. */
public record ImageSize(int width, int height) {

	public ImageSize {
		if (width < 1 || height < 1) {
			throw new IllegalArgumentException("the sides of " + width + "x" + height + " must be positive");
		}
	}

	/** {@code WxH} (or {@code WXH}); the message names the text when it is not one. */
	public static ImageSize parse(String text) {
		String[] wh = text.strip().toLowerCase(Locale.ROOT).split("x", -1);
		if (wh.length == 2) {
			try {
				return new ImageSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
			} catch (IllegalArgumentException e) {
				// reported below, with the text as given
			}
		}
		throw new IllegalArgumentException("'" + text + "' is not WIDTHxHEIGHT with positive whole numbers, e.g. 1280x720");
	}

	@Override
	public String toString() {
		return width + "x" + height;
	}
}
