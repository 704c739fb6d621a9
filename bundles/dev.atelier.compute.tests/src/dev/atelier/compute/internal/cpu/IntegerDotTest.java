package dev.atelier.compute.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.compute.TensorType;

/**
 * The integer dot products of quantised weights with 8-bit activations: against the dequantised weights (Blocks, a
 * decoder independent of the kernels) times the quantised activations in double precision, which is the same integer
 * math up to float rounding, and against the float activations, from which they may differ by the activations'
 * rounding only. The kernels name 512-bit shapes, which the Vector API also runs (slowly) on narrower machines.
 */
class IntegerDotTest {

	private static final int ROWS = 9;
	private static final int COLS = 1536;

	@Test
	void activationsRoundEachValueToItsBlocksScaleAndKeepEvery32ValuesSum() {
		Random r = new Random(5);
		float[] x = new float[2 * COLS];
		for (int i = 0; i < x.length; i++) {
			x[i] = (float) (r.nextGaussian() * (i < COLS ? 1 : 1e-3));
		}
		java.util.Arrays.fill(x, 256, 512, 0f); // an all-zero block quantises to zeros with scale 0
		for (int block : new int[] { 32, 256 }) {
			Q8Activations q = new Q8Activations(block, COLS);
			q.reserve(2);
			q.quantise(0, java.util.Arrays.copyOfRange(x, 0, COLS));
			q.quantise(1, java.util.Arrays.copyOfRange(x, COLS, 2 * COLS));
			for (int t = 0; t < 2; t++) {
				for (int b = 0; b < COLS / block; b++) {
					float scale = q.scales[t * COLS / block + b];
					int largest = 0;
					for (int i = 0; i < block; i++) {
						int at = t * COLS + b * block + i;
						largest = Math.max(largest, Math.abs(q.values[at]));
						assertTrue(Math.abs(x[at] - q.values[at] * scale) <= scale / 2 * 1.0001f, "value " + at + " in blocks of " + block);
					}
					assertEquals(scale == 0 ? 0 : 127, largest, "block " + b + " of row " + t + " in blocks of " + block);
				}
				for (int s = 0; s < COLS / 32; s++) {
					int sum = 0;
					for (int i = 0; i < 32; i++) {
						sum += q.values[t * COLS + 32 * s + i];
					}
					assertEquals(sum, q.sums[t * COLS / 32 + s], "sum " + s + " of row " + t);
				}
			}
			assertEquals(0f, q.scales[256 / block], "the zero block's scale, blocks of " + block);
		}
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K" })
	void theIntegerDotIsTheDequantisedWeightsTimesTheQuantisedActivations(TensorType type) {
		Random r = new Random(20 + type.ordinal());
		Matrix m = Matrix.random(type, r);
		Q8Activations q = quantised(m.weights(), Blocks.gaussian(r, COLS), Blocks.gaussian(r, COLS), Blocks.gaussian(r, COLS));
		for (int row = 0; row < ROWS; row++) {
			float[] weights = m.decoded(row);
			for (int t = 0; t < 3; t++) {
				double want = 0;
				double magnitude = 0;
				for (int i = 0; i < COLS; i++) {
					double x = q.values[t * COLS + i] * (double) q.scales[(t * COLS + i) / q.block];
					want += weights[i] * x;
					magnitude += Math.abs(weights[i] * x);
				}
				// integer sums are exact: what is left is the float rounding of the scales and of the blocks' sum
				assertEquals(want, m.weights().dot(row, q, t), 2e-6 * magnitude, type + " row " + row + " activation row " + t);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K" })
	void theIntegerDotDiffersFromTheFloatDotByNoMoreThanTheActivationsRounding(TensorType type) {
		Random r = new Random(40 + type.ordinal());
		Matrix m = Matrix.random(type, r);
		float[] x = Blocks.gaussian(r, COLS);
		Q8Activations q = quantised(m.weights(), x);
		double errors = 0;
		double squares = 0;
		for (int row = 0; row < ROWS; row++) {
			float[] weights = m.decoded(row);
			double exact = 0;
			for (int i = 0; i < COLS; i++) {
				exact += (double) weights[i] * x[i];
			}
			double bound = roundingBound(weights, x, 0, COLS, m.weights().activationBlock());
			double error = Math.abs(m.weights().dot(row, q, 0) - exact);
			assertTrue(error <= bound, type + " row " + row + ": " + error + " beyond the activations' rounding " + bound);
			errors += error * error;
			squares += exact * exact;
		}
		// and not trivially: over the rows, the error's RMS is a small part of the products' (about 1 % here)
		assertTrue(Math.sqrt(errors / squares) < 0.03, type + ": relative RMS error " + Math.sqrt(errors / squares));
	}

	/**
	 * How far Σ w·x may move when x[offset …] is rounded to 8 bits in blocks of {@code block}: each value by at most half
	 * its block's scale (max|x| / 127), plus float rounding.
	 */
	static double roundingBound(float[] weights, float[] x, int offset, int cols, int block) {
		double bound = 0;
		double magnitude = 0;
		for (int b = 0; b < cols / block; b++) {
			double max = 0;
			for (int i = 0; i < block; i++) {
				max = Math.max(max, Math.abs(x[offset + b * block + i]));
			}
			for (int i = 0; i < block; i++) {
				bound += Math.abs(weights[b * block + i]) * max / 254;
				magnitude += Math.abs(weights[b * block + i] * x[offset + b * block + i]);
			}
		}
		return bound * 1.001 + 1e-5 * magnitude;
	}

	/** The rows quantised as the integer kernels of {@code w} take them. */
	private static Q8Activations quantised(Weights w, float[]... rows) {
		Q8Activations q = new Q8Activations(w.activationBlock(), COLS);
		q.reserve(rows.length);
		for (int t = 0; t < rows.length; t++) {
			q.quantise(t, rows[t]);
		}
		return q;
	}

	/** Random ROWS × COLS of a type: its bytes, which the reference decodes, and the kernels' weights on them. */
	private record Matrix(TensorType type, byte[] data, Weights weights) {

		static Matrix random(TensorType type, Random r) {
			byte[] data = Blocks.random(type, ROWS, COLS, r);
			return new Matrix(type, data, Weights.of(MemorySegment.ofArray(data), type, ROWS, COLS));
		}

		float[] decoded(int row) {
			return Blocks.decode(type, data, row, COLS);
		}
	}
}
