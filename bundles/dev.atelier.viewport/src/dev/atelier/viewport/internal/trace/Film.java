package dev.atelier.viewport.internal.trace;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The progressive accumulator: per-pixel sums of radiance, of its square, and of the first hit's albedo and normal,
 * in double so that thousands of passes lose no precision. Every pass adds exactly one sample to every pixel, so
 * the mean is the sum over {@link #samples()}. Read it from the listener's callback or after the render, not
 * during a pass. A GPU render ({@link CudaRenderer}) accumulates on the device (in double too) and its film copies
 * the sums over when they are first read after a pass.
 */
public final class Film {

	private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	private final int width;
	private final int height;
	private final double[] color;
	private final double[] squares;
	private final double[] albedo;
	private final double[] normal;
	private int samples;
	/** Copies the device's sums for {@link #samples} into this film; null when the sums here are current. */
	private Runnable pending;

	/**
	 * Heap a render takes per pixel: this film's four double triples (96 B), the image, albedo and normal as floats
	 * and the denoiser's passes (about 48 B), the tone-mapped ARGB image twice while it is encoded (8 B).
	 */
	public static final long RENDER_BYTES_PER_PIXEL = 96 + 48 + 8;

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
		settle();
		return resolve(color);
	}

	/**
	 * The variance of the mean radiance per pixel and channel (sample variance / samples), which the denoiser weighs
	 * colour differences by; +∞ before two samples.
	 */
	public Image variance() {
		settle();
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
		settle();
		return resolve(albedo);
	}

	/** The first hit's mean shading normal, world space, facing the camera (zero where it sees the environment). */
	public Image normal() {
		settle();
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

	/** The device has {@code samples} passes; {@code fetch} brings its sums here (with {@link #load}) when they are read. */
	void deferTo(int samples, Runnable fetch) {
		this.samples = samples;
		pending = fetch;
	}

	/**
	 * Replaces the sums by a device film's: four planes (radiance, squared radiance, albedo, normal) of 3
	 * little-endian doubles per pixel, in this film's order, as {@code kernels/pathtrace.cu} accumulates them.
	 */
	void load(MemorySegment sums, int samples) {
		long plane = planeBytes(width, height);
		if (sums.byteSize() < 4 * plane) {
			throw new IllegalArgumentException("a " + width + "x" + height + " film needs " + 4 * plane + " bytes, not " + sums.byteSize());
		}
		double[][] targets = planes();
		for (int k = 0; k < 4; k++) {
			MemorySegment.copy(sums, DOUBLE, k * plane, targets[k], 0, targets[k].length);
		}
		this.samples = samples;
		pending = null;
	}

	/**
	 * Replaces the sums of rows [top, bottom) by those of a device film laid out as {@link #load} reads it (the whole
	 * film's layout; only these rows are read): the band one GPU of a split render traced.
	 */
	void loadRows(MemorySegment sums, int top, int bottom) {
		long plane = planeBytes(width, height);
		forRows(top, bottom, (k, target, offset, count) -> MemorySegment.copy(sums, DOUBLE, k * plane + 8L * offset, target, offset, count));
	}

	/** Writes the sums of rows [top, bottom) into a device film's layout: the band a GPU of a split render takes over. */
	void storeRows(MemorySegment sums, int top, int bottom) {
		long plane = planeBytes(width, height);
		forRows(top, bottom, (k, source, offset, count) -> MemorySegment.copy(source, offset, sums, DOUBLE, k * plane + 8L * offset, count));
	}

	/** Replaces the sums of rows [top, bottom) by another film's of the same size. */
	void copyRows(Film from, int top, int bottom) {
		double[][] sources = from.planes();
		forRows(top, bottom, (k, target, offset, count) -> System.arraycopy(sources[k], offset, target, offset, count));
	}

	@FunctionalInterface
	private interface RowCopy {
		void copy(int plane, double[] sums, int offset, int count);
	}

	/** Calls {@code copy} for the range of rows [top, bottom) in each of the four planes, in device film order. */
	private void forRows(int top, int bottom, RowCopy copy) {
		double[][] planes = planes();
		for (int k = 0; k < planes.length; k++) {
			copy.copy(k, planes[k], 3 * top * width, 3 * (bottom - top) * width);
		}
	}

	private double[][] planes() {
		return new double[][] { color, squares, albedo, normal };
	}

	/** Bytes of one plane of a device film: 3 doubles per pixel. */
	static long planeBytes(int width, int height) {
		return 24L * width * height;
	}

	private void settle() {
		Runnable fetch = pending;
		if (fetch != null) {
			pending = null;
			fetch.run();
		}
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
