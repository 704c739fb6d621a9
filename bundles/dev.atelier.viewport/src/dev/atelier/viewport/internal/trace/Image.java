package dev.atelier.viewport.internal.trace;

/** A linear float RGB image, row-major from the top-left pixel, three floats per pixel. */
public record Image(int width, int height, float[] rgb) {

	public Image {
		if (width < 1 || height < 1 || rgb.length != 3L * width * height) {
			throw new IllegalArgumentException(width + "x" + height + " image needs " + 3L * width * height + " floats, not " + rgb.length);
		}
	}

	public float get(int x, int y, int channel) {
		return rgb[(y * width + x) * 3 + channel];
	}

	/** The mean over every pixel and channel. */
	public double average() {
		double sum = 0;
		for (float v : rgb) {
			sum += v;
		}
		return sum / rgb.length;
	}

	/** Root-mean-square difference over every pixel and channel; the measure CPU and GPU renders are compared by. */
	public static double rmse(Image a, Image b) {
		if (a.width != b.width || a.height != b.height) {
			throw new IllegalArgumentException("cannot compare a " + a.width + "x" + a.height + " image with a " + b.width + "x" + b.height + " one");
		}
		double sum = 0;
		for (int i = 0; i < a.rgb.length; i++) {
			double d = a.rgb[i] - b.rgb[i];
			sum += d * d;
		}
		return Math.sqrt(sum / a.rgb.length);
	}
}
