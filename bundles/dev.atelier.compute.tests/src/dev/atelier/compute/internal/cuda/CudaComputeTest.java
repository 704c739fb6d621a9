package dev.atelier.compute.internal.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.testing.devices.TestDevices;

/** What CudaCompute queues, on a recording context: which kernels, in which grid, with which checks. No GPU needed. */
class CudaComputeTest {

	private final RecordingContext context = new RecordingContext(TestDevices.cuda(0));
	private final Compute compute = CudaCompute.openWithoutCublas(context);
	private final Arena arena = Arena.ofConfined();

	@AfterEach
	void close() {
		compute.close();
		arena.close();
	}

	private Tensor weights(TensorType type, int rows, int cols) {
		return compute.upload(type, rows, cols, arena.allocate(rows * type.rowBytes(cols)));
	}

	@ParameterizedTest
	@EnumSource(names = { "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K" })
	void aDecodeMatmulOfQuantisedWeightsQuantisesXOnceThenRunsItsTypesGemv(TensorType type) {
		Tensor w = weights(type, 64, 512);
		compute.matmul(w, compute.allocate(TensorType.F32, 1, 512), compute.allocate(TensorType.F32, 1, 64));
		assertEquals(List.of("quantize_x", "gemv_" + type.name().toLowerCase()), context.kernels());
		assertEquals(64 / 8, context.launches.get(1).grid().x(), "a warp per weight row, 8 per block");
	}

	@Test
	void matmulsOfTheSameTypeShareOneGemvLaunchOverTheirRowsAndXIsQuantisedOnce() {
		Tensor x = compute.allocate(TensorType.F32, 1, 512);
		List<Tensor> outs = List.of(compute.allocate(TensorType.F32, 1, 64), compute.allocate(TensorType.F32, 1, 16),
				compute.allocate(TensorType.F32, 1, 16), compute.allocate(TensorType.F32, 1, 8));
		compute.matmuls(List.of(weights(TensorType.Q4_K, 64, 512), weights(TensorType.Q4_K, 16, 512), weights(TensorType.Q6_K, 16, 512),
				weights(TensorType.Q4_K, 8, 512)), x, outs);
		assertEquals(List.of("quantize_x", "gemv_q4_k", "gemv_q6_k"), context.kernels(), "one launch per type, in first-use order");
		RecordingContext.Launch q4k = context.launches.get(1);
		assertEquals((64 + 16 + 8) / 8, q4k.grid().x(), "a warp per row of the three matrices end to end");
		assertEquals(List.of(64, 16, 8), q4k.args().subList(6, 9));
		assertEquals(List.of(outs.get(0), outs.get(1), outs.get(3)).stream().map(CudaTensor.class::cast).map(CudaTensor::address).toList(),
				q4k.args().subList(3, 6));
		assertEquals(List.of(16, 0, 0), context.launches.get(2).args().subList(6, 9), "unused matrices have no rows");
	}

	@Test
	void matmulsOfMoreThanThreeMatricesOfOneTypeTakeALaunchPerThree() {
		Tensor x = compute.allocate(TensorType.F32, 1, 64);
		List<Tensor> weights = List.of(weights(TensorType.F16, 8, 64), weights(TensorType.F16, 8, 64), weights(TensorType.F16, 8, 64),
				weights(TensorType.F16, 8, 64));
		compute.matmuls(weights, x, weights.stream().map(w -> compute.allocate(TensorType.F32, 1, 8)).toList());
		assertEquals(List.of("gemv_f16", "gemv_f16"), context.kernels());
		assertEquals(3, context.launches.get(0).grid().x());
		assertEquals(1, context.launches.get(1).grid().x());
	}

	@Test
	void matmulsOfABatchMultiplyEachMatrixOnTensorCores() {
		int n = CudaCompute.GEMV_MAX_ROWS + 1;
		Tensor x = compute.allocate(TensorType.F32, n, 256);
		compute.matmuls(List.of(weights(TensorType.Q8_0, 64, 256), weights(TensorType.F16, 64, 256)), x,
				List.of(compute.allocate(TensorType.F32, n, 64), compute.allocate(TensorType.F32, n, 64)));
		assertEquals(List.of("matmul_tc_q8_0", "matmul_tc_f16"), context.kernels());
	}

	@Test
	void addRmsNormAndRopeAndCacheAreOneLaunchEach() {
		Tensor x = compute.allocate(TensorType.F32, 1, 256);
		Tensor b = compute.allocate(TensorType.F32, 1, 256);
		compute.addRmsNorm(x, b, compute.allocate(TensorType.F32, 1, 256), 1e-5f, x, b);
		Tensor q = compute.allocate(TensorType.F32, 1, 256);
		Tensor k = compute.allocate(TensorType.F32, 1, 64);
		Tensor keys = compute.allocate(TensorType.F16, 32, 64);
		compute.ropeAndCache(q, k, compute.allocate(TensorType.F32, 1, 64), compute.allocate(TensorType.I32, 1, 1),
				compute.allocate(TensorType.F32, 1, 16), 32, false, keys, compute.allocate(TensorType.F16, 32, 64));
		assertEquals(List.of("rms_norm", "rope_store"), context.kernels());
		assertEquals(((CudaTensor) x).address(), context.launches.get(0).args().get(3), "the sum goes back into x");
		assertEquals(List.of(256, 64, 32, 0), context.launches.get(1).args().subList(5, 9), "q's and k's columns, head size, interleaved");
		assertEquals(List.of(32, 1), context.launches.get(1).args().subList(11, 13), "the cache's rows, F16");
	}

	@Test
	void ropeAndCacheRefusesKeysAndValuesOfDifferentWidths() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> compute.ropeAndCache(compute.allocate(TensorType.F32, 1, 256), compute.allocate(TensorType.F32, 1, 64),
						compute.allocate(TensorType.F32, 1, 32), compute.allocate(TensorType.I32, 1, 1), compute.allocate(TensorType.F32, 1, 16), 32,
						false, compute.allocate(TensorType.F16, 32, 64), compute.allocate(TensorType.F16, 32, 32)));
		assertTrue(e.getMessage().startsWith("ropeAndCache: k 1 × 64, v 1 × 32"), e.getMessage());
		assertTrue(context.launches.isEmpty(), "nothing was queued");
	}

	@Test
	void f16RowsThatBreakSixteenByteLoadsUseTheValueAtATimeGemv() {
		compute.matmul(weights(TensorType.F16, 4, 12), compute.allocate(TensorType.F32, 1, 12), compute.allocate(TensorType.F32, 1, 4));
		compute.matmul(weights(TensorType.F16, 4, 16), compute.allocate(TensorType.F32, 1, 16), compute.allocate(TensorType.F32, 1, 4));
		assertEquals(List.of("gemv_any_f16", "gemv_f16"), context.kernels());
	}

	@Test
	void aBatchWithoutCublasMultipliesOnTensorCoresInTilesOfSixtyFour() {
		int n = CudaCompute.GEMV_MAX_ROWS + 1;
		compute.matmul(weights(TensorType.Q4_K, 130, 256), compute.allocate(TensorType.F32, n, 256), compute.allocate(TensorType.F32, n, 130));
		assertEquals(List.of("matmul_tc_q4_k"), context.kernels());
		assertEquals(3, context.launches.get(0).grid().x());
		assertEquals(1, context.launches.get(0).grid().y());
	}

	@Test
	void aShapeMismatchNamesTheOperationAndTheShapes() {
		Tensor w = weights(TensorType.Q8_0, 64, 512);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> compute.matmul(w, compute.allocate(TensorType.F32, 1, 256), compute.allocate(TensorType.F32, 1, 64)));
		assertTrue(e.getMessage().startsWith("matmul: weights 64 × 512, x 1 × 256"), e.getMessage());
		assertTrue(context.launches.isEmpty(), "nothing was queued");
	}

	@Test
	void uploadRefusesDataOfTheWrongSizeNamingTheType() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> compute.upload(TensorType.Q6_K, 2, 256, arena.allocate(400)));
		assertTrue(e.getMessage().contains("Q6_K") && e.getMessage().contains("420"), e.getMessage());
	}

	@Test
	void decodeAttentionSplitsTheCacheByItsSizeSoThatOneGraphServesEveryPosition() {
		assertEquals(32, CudaCompute.attentionSplits(1, 32, 4096), "decode: chunks enough for 1024 blocks");
		assertEquals(2, CudaCompute.attentionSplits(1, 32, 100), "chunks of at least 64 keys");
		assertEquals(1, CudaCompute.attentionSplits(512, 32, 4096), "a prefill batch has blocks enough");
		Tensor positions = compute.allocate(TensorType.I32, 1, 1);
		Tensor keys = compute.allocate(TensorType.F16, 4096, 8 * 128);
		compute.attention(compute.allocate(TensorType.F32, 1, 32 * 128), keys, compute.allocate(TensorType.F16, 4096, 8 * 128), positions, 32, 8,
				compute.allocate(TensorType.F32, 1, 32 * 128));
		assertEquals(List.of("attention_wide_f16"), context.kernels(), "the last split combines: no second launch");
		assertEquals(32, context.launches.get(0).grid().z());
		assertTrue((long) context.launches.get(0).args().get(12) != 0, "the splits' finishing counters");
	}

	@Test
	void headsThatDoNotFillSixteenByteLoadsTakeTheValueAtATimeAttention() {
		compute.attention(compute.allocate(TensorType.F32, 1, 4 * 36), compute.allocate(TensorType.F16, 64, 2 * 36),
				compute.allocate(TensorType.F16, 64, 2 * 36), compute.allocate(TensorType.I32, 1, 1), 4, 2, compute.allocate(TensorType.F32, 1, 4 * 36));
		assertEquals(List.of("attention_f16"), context.kernels());
	}

	@Test
	void aGemvOfQuantisedWeightsReadsXAsTheNormSwigluOrAttentionThatWroteItQuantisedIt() {
		Tensor w = weights(TensorType.Q4_K, 64, 512);
		Tensor x = compute.allocate(TensorType.F32, 1, 512);
		Tensor y = compute.allocate(TensorType.F32, 1, 512);
		Tensor out = compute.allocate(TensorType.F32, 1, 64);
		Tensor norm = compute.allocate(TensorType.F32, 1, 512);
		compute.addRmsNorm(x, y, norm, 1e-5f, x, y);
		compute.matmul(w, y, out);
		compute.swiGlu(x, x, y);
		compute.matmul(w, y, out);
		compute.attention(compute.allocate(TensorType.F32, 1, 4 * 128), compute.allocate(TensorType.F16, 64, 128),
				compute.allocate(TensorType.F16, 64, 128), compute.allocate(TensorType.I32, 1, 1), 4, 1, y);
		compute.matmul(w, y, out);
		assertEquals(List.of("rms_norm", "gemv_q4_k", "swiglu", "gemv_q4_k", "attention_wide_f16", "gemv_q4_k"), context.kernels());
		for (int i : new int[] { 0, 2, 4 }) {
			List<Object> args = context.launches.get(i).args();
			assertEquals(context.launches.get(i + 1).args().get(10), args.get(args.size() - 2), "the GEMV's x is what " + context.kernels().get(i)
					+ " quantised");
		}
	}

	@Test
	void xIsQuantisedAgainWhenAnythingButAGemvCameBetween() {
		Tensor w = weights(TensorType.Q8_0, 64, 512);
		Tensor x = compute.allocate(TensorType.F32, 1, 512);
		Tensor out = compute.allocate(TensorType.F32, 1, 64);
		Tensor norm = compute.allocate(TensorType.F32, 1, 512);
		compute.rmsNorm(x, norm, 1e-5f, x);
		compute.add(x, x, x);
		compute.matmul(w, x, out);
		compute.rmsNorm(x, norm, 1e-5f, x);
		x.write(arena.allocate(x.bytes()));
		compute.matmul(w, x, out);
		compute.rmsNorm(x, norm, 1e-5f, x);
		Compute.Graph graph = compute.capture(() -> compute.matmul(w, x, out));
		graph.close();
		compute.rmsNorm(x, norm, 1e-5f, x);
		compute.matmul(w, compute.allocate(TensorType.F32, 1, 512), out);
		assertEquals(List.of("rms_norm", "add", "quantize_x", "gemv_q8_0", "rms_norm", "quantize_x", "gemv_q8_0", "rms_norm", "quantize_x",
				"gemv_q8_0", "rms_norm", "quantize_x", "gemv_q8_0"), context.kernels(), "an add, a write, a capture's start, another x");
	}

	@Test
	void withoutQuantisedWeightsNothingIsQuantisedBeforehand() {
		Tensor w = weights(TensorType.F16, 64, 512);
		Tensor x = compute.allocate(TensorType.F32, 1, 512);
		compute.rmsNorm(x, compute.allocate(TensorType.F32, 1, 512), 1e-5f, x);
		compute.matmul(w, x, compute.allocate(TensorType.F32, 1, 64));
		assertEquals(List.of("rms_norm", "gemv_f16"), context.kernels());
		assertEquals(List.of(0L, 0L), context.launches.get(0).args().subList(7, 9), "no 8-bit x written");
	}

	@Test
	void attentionRefusesHeadsThatDoNotShareKeyValueHeadsEvenly() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compute.attention(compute.allocate(TensorType.F32, 1, 12 * 64),
				compute.allocate(TensorType.F16, 16, 5 * 64), compute.allocate(TensorType.F16, 16, 5 * 64), compute.allocate(TensorType.I32, 1, 1), 12, 5,
				compute.allocate(TensorType.F32, 1, 12 * 64)));
		assertTrue(e.getMessage().startsWith("attention: 12 heads, 5 key/value heads"), e.getMessage());
	}

	@Test
	void aCaptureRecordsOnTheStreamAndEachReplayLaunchesTheGraph() {
		Tensor a = compute.allocate(TensorType.F32, 1, 8);
		Compute.Graph graph = compute.capture(() -> compute.swiGlu(a, a, a));
		graph.replay();
		graph.replay();
		assertEquals(List.of("begin capture", "end capture", "launch graph", "launch graph"), context.streamEvents);
		assertEquals(List.of("swiglu"), context.kernels(), "the kernel was queued once, while recording");
	}

	@Test
	void aTemporaryFreedWhileRecordingStaysWithTheGraphThenServesLaterTensors() {
		Tensor a = compute.allocate(TensorType.F32, 1, 8);
		long[] temporary = new long[2];
		Compute.Graph graph = compute.capture(() -> {
			try (Tensor first = compute.allocate(TensorType.F32, 1, 8)) {
				compute.swiGlu(a, a, first);
				temporary[0] = address(first);
			}
			// freed earlier in the same capture: its buffer serves the next temporary of its size
			try (Tensor second = compute.allocate(TensorType.F32, 1, 8)) {
				compute.swiGlu(a, a, second);
				temporary[1] = address(second);
			}
		});
		assertEquals(temporary[0], temporary[1]);
		assertNotEquals(temporary[0], address(compute.allocate(TensorType.F32, 1, 8)), "a tensor made while the graph lives gets other memory");
		graph.close();
		assertEquals(temporary[0], address(compute.allocate(TensorType.F32, 1, 8)), "the closed graph's buffer is free again");
	}

	/** The device address a kernel gets for {@code t}. */
	private long address(Tensor t) {
		return ((CudaTensor) t).address();
	}

	@Test
	void aWriteWhileRecordingIsRefusedAndTheCaptureEnds() {
		Tensor a = compute.allocate(TensorType.F32, 1, 8);
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> compute.capture(() -> a.write(arena.allocate(32))));
		assertTrue(e.getMessage().startsWith("write:"), e.getMessage());
		assertEquals(List.of("begin capture", "end capture", "close graph"), context.streamEvents);
	}

	@Test
	void aViewPassesTheAddressOfItsFirstRow() {
		Tensor table = weights(TensorType.Q8_0, 10, 64);
		Tensor out = compute.allocate(TensorType.F32, 6, 64);
		Tensor ids = compute.allocate(TensorType.I32, 1, 3);
		compute.getRows(table, ids, out.rows(2, 3));
		long base = (Long) context.launches.get(0).args().get(4) - 2 * 64 * 4;
		compute.getRows(table, ids, out.rows(0, 3));
		assertEquals(base, context.launches.get(1).args().get(4));
	}

	@Test
	void aTensorOfAnotherComputeIsRefused() {
		try (Compute other = CudaCompute.openWithoutCublas(new RecordingContext(TestDevices.cuda(1)))) {
			Tensor foreign = other.allocate(TensorType.F32, 1, 8);
			Tensor own = compute.allocate(TensorType.F32, 1, 8);
			assertThrows(IllegalArgumentException.class, () -> compute.swiGlu(own, foreign, own));
		}
	}

	@Test
	void topKRefusesMoreThanTwoHundredFiftySixValues() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compute.topK(compute.allocate(TensorType.F32, 1, 1000), 300,
				compute.allocate(TensorType.F32, 1, 300), compute.allocate(TensorType.I32, 1, 300)));
		assertTrue(e.getMessage().startsWith("topK: k 300"), e.getMessage());
	}

	@Test
	void closingTheComputeReturnsEveryBufferToTheContext() {
		weights(TensorType.Q4_0, 64, 512);
		compute.matmul(weights(TensorType.Q4_0, 64, 512), compute.allocate(TensorType.F32, 1, 512), compute.allocate(TensorType.F32, 1, 64));
		compute.close();
		assertEquals(0, context.allocatedBytes());
	}

	@Test
	void describeSaysWhyAnOldDriverCannotRunTheKernels() {
		assertTrue(CudaCompute.describe(TestDevices.cuda(0, "12.4", 9, 0)).contains("driver 580"));
	}
}
