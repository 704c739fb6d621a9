package dev.atelier.compute.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.compute.TensorType;

/**
 * The native int8 kernels (kernels/cpu_quant.c): shipped for Linux on x86-64, and at every instruction-set level this
 * CPU runs, for every type they take, the dequantised weights (Blocks, a decoder independent of the kernels) times the
 * quantised activations: one row of them (decode) and batches (prefill, four rows at a time and the rest).
 */
class NativeKernelsTest {

	private static final int ROWS = 11;
	private static final int COLS = 1536;

	@Test
	void theKernelsLoadOnLinuxX86AndSayWhyNotElsewhere() {
		boolean shipped = System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").matches("amd64|x86_64");
		assertEquals(shipped, NativeKernels.get().isPresent(), NativeKernels.missing());
		assertTrue(NativeKernels.describe().startsWith(shipped ? "native int8 kernels: " : "no native int8 kernels ("), NativeKernels.describe());
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K" })
	void everyLevelThisCpuRunsMultipliesTheDequantisedWeightsByTheQuantisedActivations(TensorType type) {
		NativeKernels kernels = NativeKernels.get().orElseThrow(() -> new AssertionError("no native kernels: " + NativeKernels.missing()));
		Random r = new Random(60 + type.ordinal());
		byte[] data = Blocks.random(type, ROWS, COLS, r);
		int block = type.name().endsWith("_K") ? 256 : 32;
		try (Arena arena = Arena.ofConfined()) {
			// native weights, as a mapped file is; heap arrays for the rest, as the backend passes them
			MemorySegment weights = arena.allocate(data.length).copyFrom(MemorySegment.ofArray(data));
			for (int n : new int[] { 1, 3, 6 }) {
				Q8Activations q = new Q8Activations(block, COLS);
				q.reserve(n);
				for (int t = 0; t < n; t++) {
					q.quantise(t, Blocks.gaussian(r, COLS));
				}
				for (int level = 0; level <= kernels.level; level++) {
					float[] out = new float[n * ROWS];
					kernels.dotRows(level, type, weights, type.rowBytes(COLS), 2, ROWS, q.bytes, q.scales, q.sums, COLS, n, out, ROWS);
					for (int t = 0; t < n; t++) {
						String where = type + " × " + n + " rows of x at level " + level + ", x row " + t;
						assertEquals(0f, out[t * ROWS] + out[t * ROWS + 1], where + ": rows before the range are not written");
						for (int row = 2; row < ROWS; row++) {
							float[] w = Blocks.decode(type, data, row, COLS);
							double want = 0;
							double magnitude = 0;
							for (int i = 0; i < COLS; i++) {
								double x = q.values[t * COLS + i] * (double) q.scales[(t * COLS + i) / block];
								want += w[i] * x;
								magnitude += Math.abs(w[i] * x);
							}
							assertEquals(want, out[t * ROWS + row], 2e-6 * magnitude, where + ", weight row " + row);
						}
					}
				}
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "Q8_0", "Q4_0" })
	void rowsRegroupedByEightMultiplyAsTheRowsDoAtEveryLevelThatTakesThem(TensorType type) {
		NativeKernels kernels = NativeKernels.get().orElseThrow(() -> new AssertionError("no native kernels: " + NativeKernels.missing()));
		int rows = 24;
		Random r = new Random(61 + type.ordinal());
		byte[] data = Blocks.random(type, rows, COLS, r);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment weights = arena.allocate(data.length).copyFrom(MemorySegment.ofArray(data));
			MemorySegment packed = NativeKernels.packByEight(type, weights, rows, COLS, arena);
			assertEquals(weights.byteSize(), packed.byteSize(), "the same size as the rows");
			for (int n : new int[] { 1, 5 }) {
				Q8Activations q = new Q8Activations(32, COLS);
				q.reserve(n);
				for (int t = 0; t < n; t++) {
					q.quantise(t, Blocks.gaussian(r, COLS));
				}
				float[] plain = new float[n * rows];
				kernels.dotRows(kernels.level, type, weights, type.rowBytes(COLS), 0, rows, q.bytes, q.scales, q.sums, COLS, n,
						plain, rows);
				for (int level = 1; level <= kernels.level; level++) {
					int lv = level;
					float[] out = new float[n * rows];
					// rows 8–23: whole groups after the first
					kernels.dotPacked(level, type, packed, rows, 8, rows, q.bytes, q.scales, q.sums, COLS, n, out, rows);
					for (int t = 0; t < n; t++) {
						for (int row = 0; row < rows; row++) {
							float want = row < 8 ? 0f : plain[t * rows + row];
							assertEquals(want, out[t * rows + row], 1e-4f * Math.max(1f, Math.abs(want)), type + ", x row " + t + ", weight row " + row
									+ " at level " + level);
						}
					}
					assertThrows(IllegalArgumentException.class,
							() -> kernels.dotPacked(lv, type, packed, rows, 4, rows, q.bytes, q.scales, q.sums, COLS, n, new float[n * rows], rows),
							"rows that are not whole groups");
				}
			}
		}
	}

	@Test
	void aLevelBeyondThisCpuATypeTheyDoNotTakeRowsPastTheWeightsOrAnOutputTooSmallAreRefused() {
		NativeKernels kernels = NativeKernels.get().orElseThrow(() -> new AssertionError("no native kernels: " + NativeKernels.missing()));
		MemorySegment none = MemorySegment.ofArray(new byte[34]);
		float[] out = new float[1];
		assertThrows(IllegalArgumentException.class,
				() -> kernels.dotRows(kernels.level + 1, TensorType.Q8_0, none, 34, 0, 1, new byte[32], new float[1], new int[1], 32, 1, out, 1));
		assertThrows(IllegalArgumentException.class,
				() -> kernels.dotRows(0, TensorType.F16, none, 34, 0, 1, new byte[32], new float[1], new int[1], 32, 1, out, 1));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> kernels.dotRows(0, TensorType.Q8_0, none, 34, 0, 2, new byte[32], new float[1], new int[1], 32, 1, new float[2], 2));
		assertTrue(e.getMessage().contains("over 34 bytes"), e.getMessage());
		IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
				() -> kernels.dotRows(0, TensorType.Q8_0, none, 34, 0, 1, new byte[64], new float[2], new int[2], 32, 2, new float[1], 1));
		assertTrue(batch.getMessage().contains("2 rows of activations"), batch.getMessage());
	}
}
