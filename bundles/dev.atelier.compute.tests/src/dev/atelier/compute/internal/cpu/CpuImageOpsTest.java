package dev.atelier.compute.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;

/**
 * The image and transformer operations of the Stable Diffusion engine on the CPU backend, each against a plain loop in
 * doubles over the same values (images stored a pixel per row, weights in PyTorch's order).
 */
class CpuImageOpsTest {

	private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;

	private VramLease lease;
	private ComputeContext context;
	private Compute compute;
	private final Arena arena = Arena.ofShared();
	private final Random random = new Random(15);

	@BeforeEach
	void openThreeWorkers() throws Exception {
		DeviceService devices = Services.await(CpuCompute.class, DeviceService.class);
		lease = devices.acquire("cpu", LeaseRequest.of("image ops test", 64L << 20));
		context = devices.openContext(lease);
		compute = CpuComputeTest.open(context, 3);
	}

	@AfterEach
	void closeAll() {
		compute.close();
		context.close();
		lease.close();
		arena.close();
	}

	private float[] gaussian(int n) {
		float[] v = new float[n];
		for (int i = 0; i < n; i++) {
			v[i] = (float) random.nextGaussian();
		}
		return v;
	}

	private Tensor floats(int rows, int cols, float[] values) {
		Tensor t = compute.allocate(TensorType.F32, rows, cols);
		t.write(MemorySegment.ofArray(values));
		return t;
	}

	/** {@code values} stored as {@code type} (F32 or F16), and {@code values} rounded to what the tensor holds. */
	private Tensor weights(TensorType type, int rows, int cols, float[] values) {
		if (type == TensorType.F32) {
			return floats(rows, cols, values);
		}
		MemorySegment data = arena.allocate(2L * values.length, 64);
		for (int i = 0; i < values.length; i++) {
			short half = Float.floatToFloat16(values[i]);
			data.setAtIndex(SHORT, i, half);
			values[i] = Float.float16ToFloat(half);
		}
		return compute.upload(TensorType.F16, rows, cols, data);
	}

	private static float[] read(Tensor t) {
		float[] out = new float[t.rows() * t.cols()];
		t.read(MemorySegment.ofArray(out));
		return out;
	}

	private static void assertClose(double[] want, float[] got, double tolerance, String what) {
		assertEquals(want.length, got.length, what + ": length");
		for (int i = 0; i < want.length; i++) {
			assertEquals(want[i], got[i], tolerance * Math.max(1, Math.abs(want[i])), what + " [" + i + "]");
		}
	}

	@ParameterizedTest
	@CsvSource({ "3, 1, 1, F32", "3, 2, 1, F32", "1, 1, 0, F32", "3, 1, 1, F16", "3, 2, 1, F16" })
	void conv2dIsPyTorchsCrossCorrelationOverPixelRows(int kernel, int stride, int padding, TensorType type) {
		int h = 7, w = 6, inC = 12, outC = 5;
		float[] x = gaussian(h * w * inC);
		float[] wt = gaussian(outC * inC * kernel * kernel);
		float[] bias = gaussian(outC);
		Tensor weight = weights(type, outC, inC * kernel * kernel, wt);
		Tensor b = weights(type, 1, outC, bias);
		int oh = (h + 2 * padding - kernel) / stride + 1;
		int ow = (w + 2 * padding - kernel) / stride + 1;
		Tensor out = compute.allocate(TensorType.F32, oh * ow, outC);
		compute.conv2d(floats(h * w, inC, x), h, w, weight, b, kernel, stride, padding, out);
		double[] want = new double[oh * ow * outC];
		for (int oy = 0; oy < oh; oy++) {
			for (int ox = 0; ox < ow; ox++) {
				for (int o = 0; o < outC; o++) {
					double sum = bias[o];
					for (int c = 0; c < inC; c++) {
						for (int ky = 0; ky < kernel; ky++) {
							for (int kx = 0; kx < kernel; kx++) {
								int iy = oy * stride + ky - padding;
								int ix = ox * stride + kx - padding;
								if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
									sum += (double) wt[((o * inC + c) * kernel + ky) * kernel + kx] * x[(iy * w + ix) * inC + c];
								}
							}
						}
					}
					want[(oy * ow + ox) * outC + o] = sum;
				}
			}
		}
		assertClose(want, read(out), 1e-5, kernel + "×" + kernel + " stride " + stride);
	}

	@ParameterizedTest
	@CsvSource({ "false", "true" })
	void groupNormNormalisesEachGroupOverAllPixelsThenScalesPerChannel(boolean silu) {
		int pixels = 10, channels = 12, groups = 3;
		float[] x = gaussian(pixels * channels);
		for (int i = 0; i < x.length; i++) {
			x[i] = x[i] * 3 + 5; // a mean and spread far from 0 and 1
		}
		float[] scale = gaussian(channels);
		float[] shift = gaussian(channels);
		Tensor out = compute.allocate(TensorType.F32, pixels, channels);
		compute.groupNorm(floats(pixels, channels, x), groups, weights(TensorType.F16, 1, channels, scale), weights(TensorType.F32, 1, channels, shift),
				1e-5f, silu, out);
		int per = channels / groups;
		double[] want = new double[x.length];
		for (int g = 0; g < groups; g++) {
			double sum = 0, sq = 0;
			for (int p = 0; p < pixels; p++) {
				for (int c = g * per; c < (g + 1) * per; c++) {
					sum += x[p * channels + c];
				}
			}
			double mean = sum / (pixels * per);
			for (int p = 0; p < pixels; p++) {
				for (int c = g * per; c < (g + 1) * per; c++) {
					sq += Math.pow(x[p * channels + c] - mean, 2);
				}
			}
			double std = Math.sqrt(sq / (pixels * per) + 1e-5);
			for (int p = 0; p < pixels; p++) {
				for (int c = g * per; c < (g + 1) * per; c++) {
					double y = (x[p * channels + c] - mean) / std * scale[c] + shift[c];
					want[p * channels + c] = silu ? y / (1 + Math.exp(-y)) : y;
				}
			}
		}
		assertClose(want, read(out), 1e-5, "groupNorm");
	}

	@Test
	void layerNormNormalisesEachRowThenScalesAndShifts() {
		int rows = 4, cols = 40;
		float[] x = gaussian(rows * cols);
		float[] scale = gaussian(cols);
		float[] shift = gaussian(cols);
		Tensor out = compute.allocate(TensorType.F32, rows, cols);
		compute.layerNorm(floats(rows, cols, x), weights(TensorType.F32, 1, cols, scale), weights(TensorType.F16, 1, cols, shift), 1e-5f, out);
		double[] want = new double[x.length];
		for (int r = 0; r < rows; r++) {
			double mean = 0, sq = 0;
			for (int i = 0; i < cols; i++) {
				mean += x[r * cols + i] / (double) cols;
			}
			for (int i = 0; i < cols; i++) {
				sq += Math.pow(x[r * cols + i] - mean, 2);
			}
			double std = Math.sqrt(sq / cols + 1e-5);
			for (int i = 0; i < cols; i++) {
				want[r * cols + i] = (x[r * cols + i] - mean) / std * scale[i] + shift[i];
			}
		}
		assertClose(want, read(out), 1e-5, "layerNorm");
	}

	@ParameterizedTest
	@EnumSource(value = TensorType.class, names = { "F32", "F16" })
	void linearIsTheMatrixProductPlusTheBias(TensorType type) {
		int n = 3, in = 24, outCols = 10;
		float[] x = gaussian(n * in);
		float[] w = gaussian(outCols * in);
		float[] bias = gaussian(outCols);
		Tensor out = compute.allocate(TensorType.F32, n, outCols);
		compute.linear(weights(type, outCols, in, w), weights(type, 1, outCols, bias), floats(n, in, x), out);
		double[] want = new double[n * outCols];
		for (int t = 0; t < n; t++) {
			for (int o = 0; o < outCols; o++) {
				double sum = bias[o];
				for (int i = 0; i < in; i++) {
					sum += (double) w[o * in + i] * x[t * in + i];
				}
				want[t * outCols + o] = sum;
			}
		}
		assertClose(want, read(out), 1e-5, "linear");
	}

	/** erf by its Maclaurin series, in doubles: exact to ~1e-12 for |z| ≤ 3. */
	private static double erf(double z) {
		double term = z;
		double sum = z;
		for (int n = 1; n < 200; n++) {
			term *= -z * z / n;
			sum += term / (2 * n + 1);
		}
		return 2 / Math.sqrt(Math.PI) * sum;
	}

	private static double reference(Activation f, double x) {
		return switch (f) {
		case SILU -> x / (1 + Math.exp(-x));
		case GELU -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
		case QUICK_GELU -> x / (1 + Math.exp(-1.702 * x));
		};
	}

	@ParameterizedTest
	@EnumSource(Activation.class)
	void activationsFollowTheirFormulas(Activation f) {
		float[] x = new float[161];
		for (int i = 0; i < x.length; i++) {
			x[i] = -4 + i * 0.05f;
		}
		Tensor t = floats(1, x.length, x);
		compute.activation(f, t, t);
		double[] want = new double[x.length];
		for (int i = 0; i < x.length; i++) {
			want[i] = reference(f, x[i]);
		}
		float[] got = read(t);
		for (int i = 0; i < x.length; i++) {
			// relative to the value itself: GELU's negative tail is small, and stays accurate
			assertEquals(want[i], got[i], 2e-6 * Math.abs(want[i]) + 1e-7, f + "(" + x[i] + ")");
		}
	}

	@Test
	void gegluGatesTheFirstHalfByTheGeluOfTheSecond() {
		int n = 3, d = 9;
		float[] x = gaussian(n * 2 * d);
		Tensor out = compute.allocate(TensorType.F32, n, d);
		compute.geglu(floats(n, 2 * d, x), out);
		double[] want = new double[n * d];
		for (int r = 0; r < n; r++) {
			for (int i = 0; i < d; i++) {
				want[r * d + i] = x[r * 2 * d + i] * reference(Activation.GELU, x[r * 2 * d + d + i]);
			}
		}
		assertClose(want, read(out), 2e-6, "geglu");
	}

	@ParameterizedTest
	@CsvSource({ "5, 5, true", "6, 6, false", "4, 9, false" })
	void multiHeadAttentionIsSoftmaxOfScaledScoresPerHead(int n, int m, boolean causal) {
		int heads = 3, d = 8, cols = heads * d;
		float[] q = gaussian(n * cols);
		float[] k = gaussian(m * cols);
		float[] v = gaussian(m * cols);
		Tensor out = compute.allocate(TensorType.F32, n, cols);
		compute.multiHeadAttention(floats(n, cols, q), floats(m, cols, k), floats(m, cols, v), heads, causal, out);
		double[] want = new double[n * cols];
		for (int h = 0; h < heads; h++) {
			for (int r = 0; r < n; r++) {
				int keys = causal ? r + 1 : m;
				double[] p = new double[keys];
				double sum = 0;
				for (int t = 0; t < keys; t++) {
					double s = 0;
					for (int i = 0; i < d; i++) {
						s += (double) q[r * cols + h * d + i] * k[t * cols + h * d + i];
					}
					p[t] = Math.exp(s / Math.sqrt(d));
					sum += p[t];
				}
				for (int t = 0; t < keys; t++) {
					for (int i = 0; i < d; i++) {
						want[r * cols + h * d + i] += p[t] / sum * v[t * cols + h * d + i];
					}
				}
			}
		}
		assertClose(want, read(out), 1e-5, (causal ? "causal" : "full") + " attention of " + n + " over " + m);
	}

	/** Each image of a batch alone, through the single-image form of an operation. */
	private float[] eachAlone(int batch, int inRows, int outRows, int cols, float[] x, java.util.function.BiConsumer<Tensor, Tensor> op) {
		float[] all = new float[batch * outRows * cols];
		for (int b = 0; b < batch; b++) {
			Tensor out = compute.allocate(TensorType.F32, outRows, cols);
			op.accept(floats(inRows, x.length / batch / inRows, java.util.Arrays.copyOfRange(x, b * x.length / batch, (b + 1) * x.length / batch)), out);
			System.arraycopy(read(out), 0, all, b * outRows * cols, outRows * cols);
		}
		return all;
	}

	@Test
	void aBatchOfImagesGivesEachImageWhatItGetsAlone() {
		int batch = 3, h = 6, w = 5, c = 8, outC = 4;
		float[] x = gaussian(batch * h * w * c);
		Tensor weight = weights(TensorType.F16, outC, c * 9, gaussian(outC * c * 9));
		Tensor bias = weights(TensorType.F32, 1, outC, gaussian(outC));
		Tensor conv = compute.allocate(TensorType.F32, batch * 3 * 3, outC);
		compute.conv2d(floats(batch * h * w, c, x), batch, h, w, weight, bias, 3, 2, 1, conv);
		assertArrayEquals(eachAlone(batch, h * w, 9, outC, x, (in, out) -> compute.conv2d(in, h, w, weight, bias, 3, 2, 1, out)), read(conv), "conv2d");

		Tensor scale = weights(TensorType.F32, 1, c, gaussian(c));
		Tensor normed = compute.allocate(TensorType.F32, batch * h * w, c);
		compute.groupNorm(floats(batch * h * w, c, x), batch, 2, scale, bias(c), 1e-5f, true, normed);
		assertArrayEquals(eachAlone(batch, h * w, h * w, c, x, (in, out) -> compute.groupNorm(in, 2, scale, bias(c), 1e-5f, true, out)), read(normed),
				"groupNorm");

		// queries of each image attend to its own 4 keys only
		int keys = 4;
		float[] kv = gaussian(batch * keys * c);
		Tensor attended = compute.allocate(TensorType.F32, batch * h * w, c);
		compute.multiHeadAttention(floats(batch * h * w, c, x), floats(batch * keys, c, kv), floats(batch * keys, c, kv), batch, 2, false, attended);
		float[] alone = new float[batch * h * w * c];
		for (int b = 0; b < batch; b++) {
			Tensor q = floats(h * w, c, java.util.Arrays.copyOfRange(x, b * h * w * c, (b + 1) * h * w * c));
			Tensor k = floats(keys, c, java.util.Arrays.copyOfRange(kv, b * keys * c, (b + 1) * keys * c));
			Tensor out = compute.allocate(TensorType.F32, h * w, c);
			compute.multiHeadAttention(q, k, k, 2, false, out);
			System.arraycopy(read(out), 0, alone, b * h * w * c, h * w * c);
		}
		assertArrayEquals(alone, read(attended), "multiHeadAttention");

		// a row per image, added to each of its pixels
		float[] perImage = gaussian(batch * c);
		Tensor sum = compute.allocate(TensorType.F32, batch * h * w, c);
		compute.add(floats(batch * h * w, c, x), floats(batch, c, perImage), sum);
		float[] want = new float[x.length];
		for (int i = 0; i < x.length; i++) {
			want[i] = x[i] + perImage[i / (h * w * c) * c + i % c];
		}
		assertArrayEquals(want, read(sum), "add of a row per image");
	}

	private Tensor bias(int c) {
		float[] zeros = new float[c];
		java.util.Arrays.fill(zeros, 0.25f);
		return floats(1, c, zeros);
	}

	@Test
	void batchedOperationsRefuseRowsThatDoNotSplitIntoTheBatch() {
		Tensor x = compute.allocate(TensorType.F32, 10, 8);
		Tensor p = floats(1, 8, new float[8]);
		IllegalArgumentException norm = assertThrows(IllegalArgumentException.class, () -> compute.groupNorm(x, 3, 2, p, p, 1e-5f, false, x));
		assertTrue(norm.getMessage().contains("does not hold 3 images"), norm.getMessage());
		IllegalArgumentException add = assertThrows(IllegalArgumentException.class, () -> compute.add(x, compute.allocate(TensorType.F32, 3, 8), x));
		assertTrue(add.getMessage().startsWith("add: "), add.getMessage());
		IllegalArgumentException conv = assertThrows(IllegalArgumentException.class,
				() -> compute.conv2d(x, 2, 2, 2, compute.allocate(TensorType.F32, 4, 8), null, 1, 1, 0, compute.allocate(TensorType.F32, 8, 4)));
		assertTrue(conv.getMessage().contains("2 image(s) of 2 × 2"), conv.getMessage());
	}

	@Test
	void causalAttentionRefusesKeysOfAnotherLength() {
		Tensor q = compute.allocate(TensorType.F32, 3, 8);
		Tensor kv = compute.allocate(TensorType.F32, 4, 8);
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compute.multiHeadAttention(q, kv, kv, 2, true, q));
		assertTrue(e.getMessage().startsWith("multiHeadAttention: causal"), e.getMessage());
	}

	@Test
	void upsamplingRepeatsEachPixelTwiceAcrossAndDownAndConcatenationJoinsChannels() {
		int h = 2, w = 3, c = 2;
		float[] x = gaussian(h * w * c);
		Tensor up = compute.allocate(TensorType.F32, 4 * h * w, c);
		compute.upsampleNearest2x(floats(h * w, c, x), h, w, up);
		float[] got = read(up);
		for (int y = 0; y < 2 * h; y++) {
			for (int xx = 0; xx < 2 * w; xx++) {
				for (int ch = 0; ch < c; ch++) {
					assertEquals(x[((y / 2) * w + xx / 2) * c + ch], got[(y * 2 * w + xx) * c + ch], "pixel " + y + "," + xx);
				}
			}
		}
		float[] b = gaussian(h * w * 3);
		Tensor joined = compute.allocate(TensorType.F32, h * w, c + 3);
		compute.concatColumns(floats(h * w, c, x), floats(h * w, 3, b), joined);
		float[] j = read(joined);
		for (int p = 0; p < h * w; p++) {
			assertArrayEquals(new float[] { x[p * c], x[p * c + 1], b[p * 3], b[p * 3 + 1], b[p * 3 + 2] }, java.util.Arrays.copyOfRange(j, p * 5, p * 5 + 5));
		}
	}

	@Test
	void padSurroundsTheImageWithZeroPixels() {
		int h = 2, w = 3, c = 2;
		float[] x = gaussian(h * w * c);
		int oh = h + 1 + 2, ow = w + 0 + 1;
		Tensor out = compute.allocate(TensorType.F32, oh * ow, c);
		compute.pad(floats(h * w, c, x), h, w, 1, 2, 0, 1, out);
		float[] got = read(out);
		for (int y = 0; y < oh; y++) {
			for (int xx = 0; xx < ow; xx++) {
				for (int ch = 0; ch < c; ch++) {
					boolean inside = y >= 1 && y < 1 + h && xx < w;
					float want = inside ? x[((y - 1) * w + xx) * c + ch] : 0f;
					assertEquals(want, got[(y * ow + xx) * c + ch], "pixel " + y + "," + xx);
				}
			}
		}
	}

	@Test
	void timestepEmbeddingIsCosinesThenSinesOfGeometricFrequencies() {
		float[] t = { 0, 1, 999, 453.5f };
		int dim = 32;
		Tensor out = compute.allocate(TensorType.F32, t.length, dim);
		compute.timestepEmbedding(floats(1, t.length, t), out);
		double[] want = new double[t.length * dim];
		for (int r = 0; r < t.length; r++) {
			for (int j = 0; j < dim / 2; j++) {
				double angle = t[r] * Math.pow(10000, -j / (dim / 2.0));
				want[r * dim + j] = Math.cos(angle);
				want[r * dim + dim / 2 + j] = Math.sin(angle);
			}
		}
		// the angle is a float32 product as in diffusers: up to 999 its rounding moves it by ~1e-4
		assertClose(want, read(out), 2e-4, "timestep embedding");
	}
}
