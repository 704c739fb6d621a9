package dev.atelier.compute.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;

/** In the OSGi runtime, on the CPU device: each operation of the CPU backend against a plain scalar computation. */
class CpuComputeTest {

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

	private VramLease lease;
	private ComputeContext context;
	private Compute compute;
	private final Arena arena = Arena.ofShared();

	static Compute open(ComputeContext context, int threads) throws InterruptedException {
		return Services.await(CpuCompute.class, ComputeRuntime.class).open(context, threads);
	}

	@BeforeEach
	void openOnTheCpu() throws Exception {
		DeviceService devices = Services.await(CpuCompute.class, DeviceService.class);
		lease = devices.acquire("cpu", LeaseRequest.of("compute test", 64L << 20));
		context = devices.openContext(lease);
		compute = open(context, 3);
	}

	@AfterEach
	void close() {
		compute.close();
		context.close();
		lease.close();
		arena.close();
	}

	private Tensor upload(TensorType type, int rows, int cols, byte[] data) {
		MemorySegment segment = arena.allocate(data.length, 64);
		segment.copyFrom(MemorySegment.ofArray(data));
		return compute.upload(type, rows, cols, segment);
	}

	private Tensor floats(int rows, int cols, float[] values) {
		Tensor t = compute.allocate(TensorType.F32, rows, cols);
		t.write(MemorySegment.ofArray(values));
		return t;
	}

	private Tensor ints(int... values) {
		Tensor t = compute.allocate(TensorType.I32, 1, values.length);
		t.write(MemorySegment.ofArray(values));
		return t;
	}

	private static float[] read(Tensor t) {
		float[] out = new float[t.rows() * t.cols()];
		t.read(MemorySegment.ofArray(out));
		return out;
	}

	private static int[] readInts(Tensor t) {
		int[] out = new int[t.cols()];
		t.read(MemorySegment.ofArray(out));
		return out;
	}

	/** Weight types: every type but I32. */
	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = "I32", mode = EnumSource.Mode.EXCLUDE)
	void getRowsDequantisesEveryWeightTypeAsItsLayoutSays(TensorType type) {
		Random r = new Random(type.ordinal());
		int rows = 5;
		int cols = 512;
		byte[] data = Blocks.random(type, rows, cols, r);
		Tensor table = upload(type, rows, cols, data);
		Tensor out = compute.allocate(TensorType.F32, 3, cols);
		compute.getRows(table, ints(4, 0, 4), out);
		float[] got = read(out);
		int[] ids = { 4, 0, 4 };
		for (int i = 0; i < ids.length; i++) {
			// the same float operations as the layout's formula: equal to the bit
			assertArrayEquals(Blocks.decode(type, data, ids[i], cols), java.util.Arrays.copyOfRange(got, i * cols, (i + 1) * cols), type + " row " + ids[i]);
		}
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = "I32", mode = EnumSource.Mode.EXCLUDE)
	void matmulOfOneRowAndOfABatchGiveTheDotProductsOfTheDequantisedWeights(TensorType type) {
		Random r = new Random(100 + type.ordinal());
		// 40 rows: whole groups of eight, which Q8_0 and Q4_0 regroup for the native kernels; 37: the rows as stored
		for (int rows : new int[] { 37, 40 }) {
			int cols = 768;
			byte[] data = Blocks.random(type, rows, cols, r);
			Tensor w = upload(type, rows, cols, data);
			for (int n : new int[] { 1, 7 }) {
				float[] x = Blocks.gaussian(r, n * cols);
				Tensor out = compute.allocate(TensorType.F32, n, rows);
				compute.matmul(w, floats(n, cols, x), out);
				float[] got = read(out);
				for (int row = 0; row < rows; row++) {
					float[] weights = Blocks.decode(type, data, row, cols);
					for (int t = 0; t < n; t++) {
						double want = 0;
						double magnitude = 0;
						for (int i = 0; i < cols; i++) {
							want += (double) weights[i] * x[t * cols + i];
							magnitude += Math.abs((double) weights[i] * x[t * cols + i]);
						}
						// float sums of 768 terms in another order than the double reference; x against quantised weights is
						// rounded to 8 bits first (Q8Activations) where integer kernels multiply: one row, or a batch on the
						// native kernels
						Weights cw = ((CpuTensor) w).weights();
						boolean integer = cw.activationBlock() != 0
								&& (n == 1 && Q8Activations.SUPPORTED || NativeKernels.get().isPresent() && NativeKernels.rows(cw) != null);
						double tolerance = integer ? IntegerDotTest.roundingBound(weights, x, t * cols, cols, cw.activationBlock()) : 1e-5 * magnitude;
						assertEquals(want, got[t * rows + row], tolerance, type + ", " + rows + " rows, batch of " + n + ", row " + row + ", token " + t);
					}
				}
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "Q4_K", "Q5_K", "Q6_K" })
	void theKQuantVectorAndScalarDotProductsAgree(TensorType type) {
		Random r = new Random(9);
		byte[] data = Blocks.random(type, 3, 1024, r);
		KQuantWeights w = new KQuantWeights(MemorySegment.ofArray(data), type, 3, 1024);
		float[] x = Blocks.gaussian(r, 1024);
		for (int row = 0; row < 3; row++) {
			float vector = w.dot(row, x);
			float scalar = w.dotScalar(row, x);
			assertEquals(scalar, vector, 1e-4 * Math.max(1, Math.abs(scalar)), type + " row " + row);
		}
	}

	/** Enough rows that three workers split them, so that the native kernels write rows from offsets too. */
	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K" })
	void aDecodeMatmulOnTheNativeKernelsEqualsTheVectorApisIntegerDotProducts(TensorType type) {
		int rows = 1100;
		int cols = 256;
		Random r = new Random(7 + type.ordinal());
		byte[] data = Blocks.random(type, rows, cols, r);
		float[] x = Blocks.gaussian(r, cols);
		MemorySegment segment = arena.allocate(data.length);
		segment.copyFrom(MemorySegment.ofArray(data));
		float[] got;
		try (Compute c = new CpuCompute(context, 3, true)) {
			assertTrue(c.description().contains("native int8 kernels"), c.description());
			Tensor w = c.upload(type, rows, cols, segment);
			Tensor in = c.allocate(TensorType.F32, 1, cols);
			in.write(MemorySegment.ofArray(x));
			Tensor out = c.allocate(TensorType.F32, 1, rows);
			c.matmul(w, in, out);
			got = read(out);
		}
		Weights weights = Weights.of(segment, type, rows, cols);
		Q8Activations q = new Q8Activations(weights.activationBlock(), cols);
		q.reserve(1);
		q.quantise(0, x);
		for (int row = 0; row < rows; row++) {
			float want = weights.dot(row, q, 0);
			assertEquals(want, got[row], 1e-5f * Math.max(1, Math.abs(want)), type + " row " + row);
		}
	}

	@Test
	void matmulGivesTheSameBitsOnOneThreadAndOnThree() throws Exception {
		Random r = new Random(3);
		byte[] data = Blocks.random(TensorType.Q4_K, 300, 512, r);
		float[] x = Blocks.gaussian(r, 9 * 512);
		List<float[]> results = new ArrayList<>();
		for (int threads : new int[] { 1, 3 }) {
			try (Compute c = open(context, threads)) {
				MemorySegment segment = arena.allocate(data.length);
				segment.copyFrom(MemorySegment.ofArray(data));
				Tensor w = c.upload(TensorType.Q4_K, 300, 512, segment);
				Tensor in = c.allocate(TensorType.F32, 9, 512);
				in.write(MemorySegment.ofArray(x));
				Tensor out = c.allocate(TensorType.F32, 9, 300);
				c.matmul(w, in, out);
				results.add(read(out));
			}
		}
		assertArrayEquals(results.get(0), results.get(1));
	}

	@Test
	void addRmsNormAndSwiGluComputeTheirFormulasPerRow() {
		Random r = new Random(4);
		int rows = 3;
		int cols = 45;
		float[] a = Blocks.gaussian(r, rows * cols);
		float[] b = Blocks.gaussian(r, rows * cols);
		float[] bias = Blocks.gaussian(r, cols);
		float[] weight = Blocks.gaussian(r, cols);
		Tensor ta = floats(rows, cols, a);
		Tensor tb = floats(rows, cols, b);
		Tensor out = compute.allocate(TensorType.F32, rows, cols);

		compute.add(ta, tb, out);
		float[] sum = read(out);
		compute.add(ta, floats(1, cols, bias), out);
		float[] biased = read(out);
		compute.rmsNorm(ta, floats(1, cols, weight), 1e-5f, out);
		float[] normed = read(out);
		compute.swiGlu(ta, tb, out);
		float[] glu = read(out);
		for (int row = 0; row < rows; row++) {
			double ss = 0;
			for (int i = 0; i < cols; i++) {
				ss += (double) a[row * cols + i] * a[row * cols + i];
			}
			double inv = 1 / Math.sqrt(ss / cols + 1e-5);
			for (int i = 0; i < cols; i++) {
				int at = row * cols + i;
				assertEquals(a[at] + b[at], sum[at]);
				assertEquals(a[at] + bias[i], biased[at]);
				assertEquals(weight[i] * a[at] * inv, normed[at], 1e-5 * Math.abs(weight[i] * a[at] * inv) + 1e-7);
				double silu = a[at] / (1 + Math.exp(-a[at]));
				assertEquals(silu * b[at], glu[at], 1e-5 * Math.abs(silu * b[at]) + 1e-7);
			}
		}
	}

	@Test
	void ropeRotatesInterleavedOrHalfSplitPairsByPositionTimesFrequency() {
		Random r = new Random(5);
		int headSize = 8;
		int heads = 3;
		float[] x = Blocks.gaussian(r, 2 * heads * headSize);
		float[] freq = { 1f, 0.5f, 0.1f, 0.01f };
		int[] pos = { 3, 17 };
		for (boolean neox : new boolean[] { false, true }) {
			Tensor t = floats(2, heads * headSize, x);
			compute.rope(t, ints(pos), floats(1, headSize / 2, freq), headSize, neox);
			float[] got = read(t);
			for (int row = 0; row < 2; row++) {
				for (int h = 0; h < heads; h++) {
					for (int j = 0; j < headSize / 2; j++) {
						int i0 = row * heads * headSize + h * headSize + (neox ? j : 2 * j);
						int i1 = i0 + (neox ? headSize / 2 : 1);
						double angle = pos[row] * (double) freq[j];
						assertEquals(x[i0] * Math.cos(angle) - x[i1] * Math.sin(angle), got[i0], 1e-5, "neox " + neox);
						assertEquals(x[i0] * Math.sin(angle) + x[i1] * Math.cos(angle), got[i1], 1e-5, "neox " + neox);
					}
				}
			}
		}
	}

	@Test
	void matmulsOfMatricesOfSeveralTypesSharingXEqualTheirMatmulsOneByOne() {
		Random r = new Random(11);
		int cols = 512;
		List<TensorType> types = List.of(TensorType.Q4_K, TensorType.Q4_K, TensorType.Q6_K, TensorType.F16);
		int[] rows = { 40, 8, 8, 24 };
		List<Tensor> weights = new ArrayList<>();
		for (int j = 0; j < types.size(); j++) {
			weights.add(upload(types.get(j), rows[j], cols, Blocks.random(types.get(j), rows[j], cols, r)));
		}
		for (int n : new int[] { 1, 3 }) {
			Tensor x = floats(n, cols, Blocks.gaussian(r, n * cols));
			List<Tensor> outs = new ArrayList<>();
			for (int j = 0; j < types.size(); j++) {
				outs.add(compute.allocate(TensorType.F32, n, rows[j]));
			}
			compute.matmuls(weights, x, outs);
			for (int j = 0; j < types.size(); j++) {
				Tensor one = compute.allocate(TensorType.F32, n, rows[j]);
				compute.matmul(weights.get(j), x, one);
				assertArrayEquals(read(one), read(outs.get(j)), types.get(j) + " n=" + n);
			}
		}
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> compute.matmuls(weights, floats(1, cols, new float[cols]), List.of(compute.allocate(TensorType.F32, 1, 40))));
		assertTrue(e.getMessage().startsWith("matmuls: 4 weights and 1 outputs"), e.getMessage());
	}

	@Test
	void addRmsNormInPlaceEqualsAddThenRmsNorm() {
		Random r = new Random(12);
		int cols = 300;
		float[] a = Blocks.gaussian(r, 3 * cols);
		float[] b = Blocks.gaussian(r, 3 * cols);
		Tensor weight = floats(1, cols, Blocks.gaussian(r, cols));
		Tensor sum = floats(3, cols, a);
		Tensor normed = compute.allocate(TensorType.F32, 3, cols);
		compute.add(sum, floats(3, cols, b), sum);
		compute.rmsNorm(sum, weight, 1e-5f, normed);
		Tensor x = floats(3, cols, a);
		Tensor delta = floats(3, cols, b);
		compute.addRmsNorm(x, delta, weight, 1e-5f, x, delta); // as a layer calls it: the residual in place, the norm over the delta
		assertArrayEquals(read(sum), read(x));
		assertArrayEquals(read(normed), read(delta));
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "F16", "F32" })
	void ropeAndCacheEqualsRopeOfQAndKThenSetRowsOfKAndV(TensorType cacheType) {
		int headSize = 8;
		int kvDim = 2 * headSize;
		Random r = new Random(13);
		float[] q = Blocks.gaussian(r, 2 * 2 * kvDim); // 4 query heads on 2 key/value heads
		float[] k = Blocks.gaussian(r, 2 * kvDim);
		float[] v = Blocks.gaussian(r, 2 * kvDim);
		Tensor freq = floats(1, headSize / 2, new float[] { 1f, 0.5f, 0.1f, 0.01f });
		Tensor pos = ints(5, 2);
		Tensor[] fused = { floats(2, 2 * kvDim, q), floats(2, kvDim, k), compute.allocate(cacheType, 8, kvDim), compute.allocate(cacheType, 8, kvDim) };
		Tensor[] apart = { floats(2, 2 * kvDim, q), floats(2, kvDim, k), compute.allocate(cacheType, 8, kvDim), compute.allocate(cacheType, 8, kvDim) };
		for (Tensor[] t : new Tensor[][] { fused, apart }) {
			t[2].write(arena.allocate(t[2].bytes()));
			t[3].write(arena.allocate(t[3].bytes()));
		}
		Tensor vt = floats(2, kvDim, v);
		compute.ropeAndCache(fused[0], fused[1], vt, pos, freq, headSize, true, fused[2], fused[3]);
		compute.rope(apart[0], pos, freq, headSize, true);
		compute.rope(apart[1], pos, freq, headSize, true);
		compute.setRows(apart[1], pos, apart[2]);
		compute.setRows(vt, pos, apart[3]);
		for (int i = 0; i < 4; i++) {
			byte[] want = new byte[(int) apart[i].bytes()];
			byte[] got = new byte[(int) fused[i].bytes()];
			apart[i].read(MemorySegment.ofArray(want));
			fused[i].read(MemorySegment.ofArray(got));
			assertArrayEquals(want, got, "q, k, keys, values: " + i);
		}
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "F16", "F32" })
	void attentionOverACacheFilledBySetRowsIsCausalGroupedQuerySoftmax(TensorType cacheType) {
		Random r = new Random(6);
		int heads = 4;
		int kvHeads = 2;
		int headSize = 16;
		int context = 20;
		int kvDim = kvHeads * headSize;
		Tensor keys = compute.allocate(cacheType, context, kvDim);
		Tensor values = compute.allocate(cacheType, context, kvDim);
		float[] k = Blocks.gaussian(r, 12 * kvDim);
		float[] v = Blocks.gaussian(r, 12 * kvDim);
		// positions 0…11 in two batches, the second out of order
		compute.setRows(floats(7, kvDim, java.util.Arrays.copyOf(k, 7 * kvDim)), ints(0, 1, 2, 3, 4, 5, 6), keys);
		compute.setRows(floats(7, kvDim, java.util.Arrays.copyOf(v, 7 * kvDim)), ints(0, 1, 2, 3, 4, 5, 6), values);
		int[] later = { 11, 7, 9, 8, 10 };
		float[] kLater = new float[5 * kvDim];
		float[] vLater = new float[5 * kvDim];
		for (int i = 0; i < 5; i++) {
			System.arraycopy(k, later[i] * kvDim, kLater, i * kvDim, kvDim);
			System.arraycopy(v, later[i] * kvDim, vLater, i * kvDim, kvDim);
		}
		compute.setRows(floats(5, kvDim, kLater), ints(later), keys);
		compute.setRows(floats(5, kvDim, vLater), ints(later), values);
		if (cacheType == TensorType.F16) { // what the cache holds: each value rounded to half precision
			for (int i = 0; i < k.length; i++) {
				k[i] = Float.float16ToFloat(Float.floatToFloat16(k[i]));
				v[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
			}
		}
		int[] positions = { 0, 5, 11 };
		float[] q = Blocks.gaussian(r, 3 * heads * headSize);
		Tensor out = compute.allocate(TensorType.F32, 3, heads * headSize);
		compute.attention(floats(3, heads * headSize, q), keys, values, ints(positions), heads, kvHeads, out);
		float[] got = read(out);
		for (int row = 0; row < 3; row++) {
			for (int h = 0; h < heads; h++) {
				int g = h / (heads / kvHeads);
				double[] scores = new double[positions[row] + 1];
				double max = Double.NEGATIVE_INFINITY;
				for (int t = 0; t <= positions[row]; t++) {
					for (int i = 0; i < headSize; i++) {
						scores[t] += (double) q[row * heads * headSize + h * headSize + i] * k[t * kvDim + g * headSize + i];
					}
					scores[t] /= Math.sqrt(headSize);
					max = Math.max(max, scores[t]);
				}
				double total = 0;
				for (int t = 0; t < scores.length; t++) {
					scores[t] = Math.exp(scores[t] - max);
					total += scores[t];
				}
				for (int i = 0; i < headSize; i++) {
					double want = 0;
					for (int t = 0; t < scores.length; t++) {
						want += scores[t] / total * v[t * kvDim + g * headSize + i];
					}
					assertEquals(want, got[row * heads * headSize + h * headSize + i], 1e-5, "row " + row + " head " + h + " value " + i);
				}
			}
		}
	}

	@Test
	void argmaxAndTopKPickTheLargestValuesTheLowerIndexFirstOnTies() {
		float[] values = { 1, 5, 3, 5, -2, 4, 0, 5, // row 0: ties at 1, 3, 7
				-1, -1, -1, -1, -1, -1, -1, -1 };
		Tensor t = floats(2, 8, values);
		Tensor best = compute.allocate(TensorType.I32, 1, 2);
		compute.argmax(t, best);
		assertArrayEquals(new int[] { 1, 0 }, readInts(best));

		Tensor top = compute.allocate(TensorType.F32, 1, 5);
		Tensor at = compute.allocate(TensorType.I32, 1, 5);
		compute.topK(t.rows(0, 1), 5, top, at);
		assertArrayEquals(new float[] { 5, 5, 5, 4, 3 }, read(top));
		assertArrayEquals(new int[] { 1, 3, 7, 5, 2 }, readInts(at));

		Random r = new Random(8);
		float[] big = Blocks.gaussian(r, 5000);
		Tensor row = floats(1, 5000, big);
		Tensor top256 = compute.allocate(TensorType.F32, 1, 256);
		Tensor at256 = compute.allocate(TensorType.I32, 1, 256);
		compute.topK(row, 256, top256, at256);
		float[] sorted = big.clone();
		java.util.Arrays.sort(sorted);
		float[] got = read(top256);
		int[] indices = readInts(at256);
		for (int i = 0; i < 256; i++) {
			assertEquals(sorted[sorted.length - 1 - i], got[i]);
			assertEquals(big[indices[i]], got[i]);
		}
	}

	@Test
	void aCapturedGraphReplaysItsOperationsOnTheValuesWrittenBeforeEachReplay() {
		Tensor a = floats(1, 4, new float[] { 1, 2, 3, 4 });
		Tensor b = floats(1, 4, new float[] { 10, 20, 30, 40 });
		Tensor sum = compute.allocate(TensorType.F32, 1, 4);
		Tensor best = compute.allocate(TensorType.I32, 1, 1);
		Compute.Graph graph = compute.capture(() -> {
			compute.add(a, b, sum);
			compute.argmax(sum, best);
		});
		assertArrayEquals(new float[4], read(sum), "capture records, it does not run");
		graph.replay();
		assertArrayEquals(new float[] { 11, 22, 33, 44 }, read(sum));
		a.write(MemorySegment.ofArray(new float[] { 100, 0, 0, 0 }));
		graph.replay();
		assertArrayEquals(new float[] { 110, 20, 30, 40 }, read(sum));
		assertArrayEquals(new int[] { 0 }, readInts(best));
		graph.close();
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> compute.capture(() -> read(sum)));
		assertTrue(e.getMessage().startsWith("read inside a capture"), e.getMessage());
	}

	@Test
	void aTemporaryFreedWhileRecordingServesEveryReplayUntilTheGraphCloses() {
		Tensor a = floats(1, 4, new float[] { 1, 2, 3, 4 });
		Tensor out = compute.allocate(TensorType.F32, 1, 4);
		long before = lease.allocatedBytes();
		long[] memory = new long[2];
		Compute.Graph graph = compute.capture(() -> {
			try (Tensor doubled = compute.allocate(TensorType.F32, 1, 4)) {
				compute.add(a, a, doubled);
				compute.add(doubled, a, out);
				memory[0] = ((CpuTensor) doubled).data.address();
			}
			// freed earlier in the recording: its memory serves the next temporary of its size
			try (Tensor again = compute.allocate(TensorType.F32, 1, 4)) {
				compute.add(out, a, again);
				compute.add(again, a, out);
				memory[1] = ((CpuTensor) again).data.address();
			}
		});
		assertEquals(memory[0], memory[1]);
		graph.replay();
		assertArrayEquals(new float[] { 5, 10, 15, 20 }, read(out));
		// a tensor made between replays gets other memory
		Tensor other = floats(1, 4, new float[] { -7, -7, -7, -7 });
		a.write(MemorySegment.ofArray(new float[] { 10, 20, 30, 40 }));
		graph.replay();
		assertArrayEquals(new float[] { 50, 100, 150, 200 }, read(out));
		assertArrayEquals(new float[] { -7, -7, -7, -7 }, read(other));
		other.close();
		assertTrue(lease.allocatedBytes() > before, "the graph holds its temporary");
		graph.close();
		assertEquals(before, lease.allocatedBytes(), "the closed graph gave its temporary back");
	}

	@Test
	void viewsOfRowsShareTheTensorsMemory() {
		Tensor t = floats(3, 2, new float[] { 1, 2, 3, 4, 5, 6 });
		Tensor middle = t.rows(1, 2);
		assertEquals(2, middle.rows());
		assertArrayEquals(new float[] { 3, 4, 5, 6 }, read(middle));
		compute.add(middle, middle, middle);
		assertArrayEquals(new float[] { 1, 2, 6, 8, 10, 12 }, read(t));
		assertThrows(IllegalArgumentException.class, () -> t.rows(2, 2));
	}

	@Test
	void mismatchedShapesAreRefusedNamingTheOperationAndTheShapes() {
		Tensor w = compute.allocate(TensorType.F32, 8, 16);
		Tensor x = compute.allocate(TensorType.F32, 2, 12);
		Tensor out = compute.allocate(TensorType.F32, 2, 8);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compute.matmul(w, x, out));
		assertEquals("matmul: weights 8 × 16, x 2 × 12, out 2 × 8: x needs the weights' columns and out is x's rows × the weights' rows", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> compute.rmsNorm(x, compute.allocate(TensorType.F16, 1, 12), 1e-5f, x));
		assertEquals("rmsNorm: weight is F16, not F32", e.getMessage());
		e = assertThrows(IllegalArgumentException.class,
				() -> compute.topK(x.rows(0, 1), 300, compute.allocate(TensorType.F32, 1, 300), compute.allocate(TensorType.I32, 1, 300)));
		assertEquals("topK: k 300 must be 1 … 12", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> compute.getRows(w, ints(8), compute.allocate(TensorType.F32, 1, 16)));
		assertEquals("getRows: id 8 is outside a table of 8 rows", e.getMessage());
	}

	@Test
	void aQuantisedUploadOfTheWrongSizeIsRefusedAsADamagedBlockTable() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> compute.upload(TensorType.Q4_K, 2, 256, MemorySegment.ofArray(new byte[287])));
		assertEquals("upload: a Q4_K matrix of 2 × 256 takes 288 bytes, not 287 (a damaged block table)", e.getMessage());
		e = assertThrows(IllegalArgumentException.class, () -> compute.upload(TensorType.Q6_K, 1, 320, MemorySegment.ofArray(new byte[210])));
		assertTrue(e.getMessage().contains("whole blocks of 256"), e.getMessage());
	}

	@Test
	void uploadsAndAllocationsCountAgainstTheLease() throws Exception {
		DeviceService devices = Services.await(CpuCompute.class, DeviceService.class);
		try (VramLease small = devices.acquire("cpu", LeaseRequest.of("small", 1 << 20)); ComputeContext ctx = devices.openContext(small);
				Compute c = open(ctx, 1)) {
			Tensor t = c.allocate(TensorType.F32, 128, 1024); // half the lease
			assertEquals(512 << 10, ctx.allocatedBytes());
			c.upload(TensorType.F16, 128, 1024, arena.allocate(256 << 10)); // a quarter, counted though read in place
			IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.upload(TensorType.F32, 128, 1024, arena.allocate(512 << 10)));
			assertTrue(e.getMessage().contains("left; asked for"), e.getMessage());
			t.close();
			assertEquals(0, ctx.allocatedBytes(), "a closed tensor's memory goes back");
			c.upload(TensorType.F32, 128, 1024, arena.allocate(512 << 10));
		}
	}

	@Test
	void readsAndWritesMoveTheTensorsBytes() {
		Tensor t = compute.allocate(TensorType.I32, 1, 3);
		MemorySegment host = arena.allocate(12);
		host.setAtIndex(INT, 0, 7);
		host.setAtIndex(INT, 2, -1);
		t.write(host);
		Tensor copy = compute.allocate(TensorType.I32, 1, 3);
		compute.copy(t, copy);
		assertArrayEquals(new int[] { 7, 0, -1 }, readInts(copy));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.read(arena.allocate(8)));
		assertEquals("read: a I32 tensor of 1 × 3 has 12 bytes, the host memory 8", e.getMessage());
	}
}
