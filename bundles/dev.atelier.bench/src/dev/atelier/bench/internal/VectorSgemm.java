package dev.atelier.bench.internal;

import java.util.stream.IntStream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C = A·B for row-major float matrices with the Vector API, on all cores. Each task takes four rows of C; for
 * each k it broadcasts A's four values and multiply-adds them with a strip of B's row k into a 4 × 2-vector block
 * of C held in registers, so each B vector loaded serves four rows. Hand-written because no library on Maven
 * Central offers a Vector-API SGEMM; this one is the CPU suite's yardstick, not a BLAS.
 */
final class VectorSgemm {

	private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
	/** Columns of C kept in registers per pass: two vectors wide. */
	private static final int WIDTH = 2 * SPECIES.length();

	private VectorSgemm() {
	}

	static String species() {
		return SPECIES.vectorBitSize() + "-bit float vectors (" + SPECIES.length() + " lanes)";
	}

	/** n must be a multiple of 4 and of {@code 4 × lanes}; c is overwritten. */
	static void multiply(float[] a, float[] b, float[] c, int n) {
		if (n % 4 != 0 || n % WIDTH != 0) {
			throw new IllegalArgumentException("VectorSgemm needs n divisible by 4 and by " + WIDTH + ", not " + n);
		}
		IntStream.range(0, n / 4).parallel().forEach(block -> rows(a, b, c, n, block * 4));
	}

	/** Four rows of C from row i, two vectors wide at a time: eight accumulators, which stay in registers. */
	private static void rows(float[] a, float[] b, float[] c, int n, int i) {
		int lanes = SPECIES.length();
		int a0 = i * n, a1 = a0 + n, a2 = a1 + n, a3 = a2 + n;
		for (int j = 0; j < n; j += WIDTH) {
			FloatVector c00 = FloatVector.zero(SPECIES), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
			for (int k = 0, row = j; k < n; k++, row += n) {
				FloatVector b0 = FloatVector.fromArray(SPECIES, b, row);
				FloatVector b1 = FloatVector.fromArray(SPECIES, b, row + lanes);
				FloatVector x = FloatVector.broadcast(SPECIES, a[a0 + k]);
				c00 = x.fma(b0, c00);
				c01 = x.fma(b1, c01);
				x = FloatVector.broadcast(SPECIES, a[a1 + k]);
				c10 = x.fma(b0, c10);
				c11 = x.fma(b1, c11);
				x = FloatVector.broadcast(SPECIES, a[a2 + k]);
				c20 = x.fma(b0, c20);
				c21 = x.fma(b1, c21);
				x = FloatVector.broadcast(SPECIES, a[a3 + k]);
				c30 = x.fma(b0, c30);
				c31 = x.fma(b1, c31);
			}
			c00.intoArray(c, a0 + j);
			c01.intoArray(c, a0 + j + lanes);
			c10.intoArray(c, a1 + j);
			c11.intoArray(c, a1 + j + lanes);
			c20.intoArray(c, a2 + j);
			c21.intoArray(c, a2 + j + lanes);
			c30.intoArray(c, a3 + j);
			c31.intoArray(c, a3 + j + lanes);
		}
	}

	/** Checks one element against a scalar dot product; the largest relative error over the sampled ones. */
	static double check(float[] a, float[] b, float[] c, int n, java.util.Random random) {
		double worst = 0;
		for (int s = 0; s < 16; s++) {
			int i = random.nextInt(n);
			int j = random.nextInt(n);
			double exact = 0;
			double scale = 0;
			for (int k = 0; k < n; k++) {
				exact += (double) a[i * n + k] * b[k * n + j];
				scale += Math.abs((double) a[i * n + k] * b[k * n + j]);
			}
			worst = Math.max(worst, Math.abs(c[i * n + j] - exact) / Math.max(scale, 1e-30));
		}
		return worst;
	}
}
