package dev.atelier.viewport.internal.trace;

import java.util.stream.IntStream;

/**
 * Edge-avoiding à-trous wavelet filtering (Dammertz, Sewtz, Hanika and Lensch 2010): iterations of the 5×5 B3-spline
 * kernel with holes (taps 2ⁱ pixels apart), each tap weighted down by how much it differs from the centre pixel in
 * first-hit normal, first-hit albedo and colour. As in SVGF (Schied et al. 2017) the colour tolerance follows the
 * noise: a luminance difference is measured against the variance of the two pixels' means, so converged regions are
 * left alone and noisy ones smoothed; the variance is prefiltered 3×3 and carried through every iteration (the
 * weights squared), so the tolerance tightens as the noise is removed.
 */
public final class Denoiser {

	public static final int ITERATIONS = 5;
	/** Luminance differences up to about this many standard deviations of the difference are averaged. */
	public static final float SIGMA_COLOR = 3f;
	public static final float SIGMA_NORMAL = 0.3f;
	public static final float SIGMA_ALBEDO = 0.1f;

	private static final float[] KERNEL = { 1 / 16f, 1 / 4f, 3 / 8f, 1 / 4f, 1 / 16f };
	/** Keeps the colour weight defined where both pixels have no noise at all (the light, the background). */
	private static final float VARIANCE_FLOOR = 1e-10f;

	private Denoiser() {
	}

	/** Denoises with {@value #ITERATIONS} iterations and the default tolerances. */
	public static Image denoise(Image color, Image albedo, Image normal, Image variance) {
		return denoise(color, albedo, normal, variance, ITERATIONS, SIGMA_COLOR, SIGMA_NORMAL, SIGMA_ALBEDO);
	}

	public static Image denoise(Image color, Image albedo, Image normal, Image variance, int iterations, float sigmaColor, float sigmaNormal,
			float sigmaAlbedo) {
		int width = color.width();
		int height = color.height();
		for (Image guide : new Image[] { albedo, normal, variance }) {
			if (guide.width() != width || guide.height() != height) {
				throw new IllegalArgumentException("the guide buffers must have the colour's size");
			}
		}
		float[] current = color.rgb().clone();
		float[] next = new float[current.length];
		float[] currentVariance = prefilter(luminanceVariance(variance), width, height);
		float[] nextVariance = new float[width * height];
		float[] a = albedo.rgb();
		float[] n = normal.rgb();
		float colorScale = 1 / (sigmaColor * sigmaColor);
		float normalScale = 1 / (sigmaNormal * sigmaNormal);
		float albedoScale = 1 / (sigmaAlbedo * sigmaAlbedo);
		for (int iteration = 0; iteration < iterations; iteration++) {
			int step = 1 << iteration;
			float[] in = current;
			float[] out = next;
			float[] inVariance = currentVariance;
			float[] outVariance = nextVariance;
			IntStream.range(0, height).parallel().forEach(y -> {
				for (int x = 0; x < width; x++) {
					int pixel = y * width + x;
					int p = 3 * pixel;
					float luminance = Bsdf.luminance(in[p], in[p + 1], in[p + 2]);
					float sumR = 0, sumG = 0, sumB = 0, sumW = 0, sumVariance = 0;
					for (int j = -2; j <= 2; j++) {
						int qy = y + j * step;
						if (qy < 0 || qy >= height) {
							continue;
						}
						for (int i = -2; i <= 2; i++) {
							int qx = x + i * step;
							if (qx < 0 || qx >= width) {
								continue;
							}
							int neighbour = qy * width + qx;
							int q = 3 * neighbour;
							float dl = luminance - Bsdf.luminance(in[q], in[q + 1], in[q + 2]);
							float noise = inVariance[pixel] + inVariance[neighbour] + VARIANCE_FLOOR;
							float exponent = dl * dl * colorScale / noise + squaredDistance(n, p, q) * normalScale + squaredDistance(a, p, q) * albedoScale;
							float w = KERNEL[i + 2] * KERNEL[j + 2] * (float) Math.exp(-exponent);
							sumR += w * in[q];
							sumG += w * in[q + 1];
							sumB += w * in[q + 2];
							sumW += w;
							sumVariance += w * w * inVariance[neighbour];
						}
					}
					out[p] = sumR / sumW;
					out[p + 1] = sumG / sumW;
					out[p + 2] = sumB / sumW;
					outVariance[pixel] = sumVariance / (sumW * sumW);
				}
			});
			next = current;
			current = out;
			nextVariance = currentVariance;
			currentVariance = outVariance;
		}
		return new Image(width, height, current);
	}

	/** Per-pixel variance of the mean luminance, from per-channel variances (channels taken as independent). */
	private static float[] luminanceVariance(Image variance) {
		float[] v = variance.rgb();
		float[] out = new float[v.length / 3];
		for (int i = 0; i < out.length; i++) {
			float r = 0.2126f, g = 0.7152f, b = 0.0722f;
			out[i] = Math.min(r * r * v[3 * i] + g * g * v[3 * i + 1] + b * b * v[3 * i + 2], Float.MAX_VALUE);
		}
		return out;
	}

	/** A 3×3 binomial blur of the variance: a few samples estimate it poorly. */
	private static float[] prefilter(float[] variance, int width, int height) {
		float[] out = new float[variance.length];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				float sum = 0, weights = 0;
				for (int j = -1; j <= 1; j++) {
					for (int i = -1; i <= 1; i++) {
						int qx = x + i, qy = y + j;
						if (qx >= 0 && qx < width && qy >= 0 && qy < height) {
							float w = (2 - Math.abs(i)) * (2 - Math.abs(j));
							sum += w * variance[qy * width + qx];
							weights += w;
						}
					}
				}
				out[y * width + x] = sum / weights;
			}
		}
		return out;
	}

	private static float squaredDistance(float[] v, int p, int q) {
		float x = v[p] - v[q];
		float y = v[p + 1] - v[q + 1];
		float z = v[p + 2] - v[q + 2];
		return x * x + y * y + z * z;
	}
}
