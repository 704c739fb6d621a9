package dev.atelier.viewport.trace;

/**
 * The progressive accumulator: per-pixel sums of radiance, of its square, and of the first hit's albedo and normal,
 * in double so that thousands of passes lose no precision. Every pass adds exactly one sample to every pixel, so
 * the mean is the sum over {@link #samples()}. Read it from the listener's callback or after the render, not
 * during a pass.
 */
public final class Film {

	private final int width;
	private final int height;
	private final double[] color;
	private final double[] squares;
	private final double[] albedo;
	private final double[] normal;
	private int samples;

	Film(int width, int height) {
		this.width = width;
		this.height = height;
		color = new double[3 * width * height];
		squares = new double[3 * width * height];
		albedo = new double[3 * width * height];
		normal = new double[3 * width * height];
	}

	public int width() {
		return width;
	}

	public int height() {
		return height;
	}

	/** Samples per pixel accumulated so far (completed passes). */
	public int samples() {
		return samples;
	}

	/** The current mean radiance, linear RGB. */
	public Image mean() {
		return resolve(color);
	}

	/**
	 * The variance of the mean radiance per pixel and channel (sample variance / samples), which the denoiser weighs
	 * colour differences by; +∞ before two samples.
	 */
	public Image variance() {
		float[] rgb = new float[squares.length];
		for (int i = 0; i < rgb.length; i++) {
			if (samples < 2) {
				rgb[i] = Float.POSITIVE_INFINITY;
			} else {
				double mean = color[i] / samples;
				rgb[i] = (float) (Math.max(0, squares[i] / samples - mean * mean) / (samples - 1));
			}
		}
		return new Image(width, height, rgb);
	}

	/** The first hit's mean base colour (black where the camera sees the environment): the denoiser's guide. */
	public Image albedo() {
		return resolve(albedo);
	}

	/** The first hit's mean shading normal, world space, facing the camera (zero where it sees the environment). */
	public Image normal() {
		return resolve(normal);
	}

	void add(int pixel, PathTracer sample) {
		int i = 3 * pixel;
		color[i] += sample.radianceR;
		color[i + 1] += sample.radianceG;
		color[i + 2] += sample.radianceB;
		squares[i] += (double) sample.radianceR * sample.radianceR;
		squares[i + 1] += (double) sample.radianceG * sample.radianceG;
		squares[i + 2] += (double) sample.radianceB * sample.radianceB;
		albedo[i] += sample.albedoR;
		albedo[i + 1] += sample.albedoG;
		albedo[i + 2] += sample.albedoB;
		normal[i] += sample.normalX;
		normal[i + 1] += sample.normalY;
		normal[i + 2] += sample.normalZ;
	}

	void completePass() {
		samples++;
	}

	private Image resolve(double[] sums) {
		float[] rgb = new float[sums.length];
		if (samples > 0) {
			double scale = 1.0 / samples;
			for (int i = 0; i < rgb.length; i++) {
				rgb[i] = (float) (sums[i] * scale);
			}
		}
		return new Image(width, height, rgb);
	}
}
