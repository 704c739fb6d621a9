package dev.atelier.compute.internal.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.compute.internal.Shapes;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceFunction;
import dev.atelier.device.DeviceFunction.Dim;
import dev.atelier.device.DeviceModule;
import dev.atelier.device.DeviceStream;
import dev.atelier.kernels.Kernels;

/**
 * {@link Compute} on a CUDA GPU through a {@link ComputeContext}: Atelier's kernels ({@code kernels/compute.cu}) on one
 * stream, cuBLAS for batched matmuls where a library is found. Pointers go to kernels as addresses, so a view of rows
 * costs nothing; scratch areas grow and are kept until close, because a captured graph may still use them.
 */
public final class CudaCompute implements Compute {

	/** Batches up to this many rows multiply as GEMVs (the weights read once per row); larger ones on tensor cores. */
	static final int GEMV_MAX_ROWS = 8;
	/** Matrices one GEMV launch multiplies with the same x (compute.cu's Matrices). */
	static final int GEMV_MATRICES = 3;
	/** Threads of the per-row and grid-stride kernels. */
	private static final int THREADS = 256;
	/** rms_norm's block and the values a thread holds (compute.cu's NORM_PER): a row of 4096 in registers. */
	private static final int NORM_THREADS = 1024;
	private static final int NORM_PER = 4;
	/** Query blocks that keep a GPU busy: attention splits the keys into chunks until it has about this many. */
	private static final int ATTENTION_BLOCKS = 1024;
	/** The fewest keys an attention split takes. */
	private static final int ATTENTION_MIN_CHUNK = 64;
	private static final int ATTENTION_MAX_HEAD = 256;
	/** F16 weights dequantised for cuBLAS at most this many bytes at a time. */
	private static final long DEQUANTIZED_BYTES = 64L << 20;
	private static final long CUBLAS_WORKSPACE = 32L << 20;
	/** flash_attention's query rows and threads a block, as kernels/compute.cu has them. */
	private static final int FLASH_ROWS = 64;
	private static final int FLASH_THREADS = 128;
	/** flash_attention_wide's query rows and threads a block, and its widest head (the VAE's single 512-wide one). */
	private static final int FLASH_WIDE_ROWS = 32;
	private static final int FLASH_WIDE_THREADS = 256;
	private static final int MHA_MAX_HEAD = 512;
	/**
	 * A convolution's gathered receptive fields are multiplied this many bytes at a time: slices of thousands of pixels
	 * keep cuBLAS's GEMMs large, and the patches' scratch stays a small part of the VAE decoder's peak.
	 */
	private static final long PATCH_BYTES = 64L << 20;
	/** GroupNorm's statistics: a block sums about this many of a group's values, in at most GROUP_CHUNKS blocks a group. */
	private static final long GROUP_CHUNK_VALUES = 8192;
	private static final int GROUP_CHUNKS = 128;
	private static final int MAX_GRID_Y = 65535;
	/**
	 * {@code -Datelier.compute.profile=true}: every launch timed on the device ({@link #timed}) and captures run
	 * eagerly, so that a decode step's time is known per kernel; the table goes to standard error at close. Launches
	 * repeat there, so what they compute in place is not an answer.
	 */
	private static final boolean PROFILE = Boolean.getBoolean("atelier.compute.profile");
	private static final int PROFILE_REPEATS = 20;

	private final ComputeContext context;
	private final DeviceModule module;
	private final DeviceStream stream;
	private final Map<String, DeviceFunction> functions = new HashMap<>();
	private final Set<CudaTensor> tensors = ConcurrentHashMap.newKeySet();
	private final Set<CudaGraph> graphs = ConcurrentHashMap.newKeySet();
	private final Map<Scratch, DeviceBuffer> scratch = new HashMap<>();
	/** Scratch buffers outgrown, kept for the graphs that may use them. */
	private final List<DeviceBuffer> outgrown = new ArrayList<>();
	private final Optional<Cublas.Library> cublasLibrary;
	private Cublas.Handle cublas;
	private boolean capturing;
	private boolean closed;
	/** Whether a quantised tensor was made here: only then do rms_norm and swiglu quantise their output too. */
	private boolean anyQuantised;
	/**
	 * The activations the 8-bit x scratch holds (in stream order), where the last launch quantised them: a GEMV of
	 * those then skips quantize_x. Any other launch or write forgets it, so a stale copy is never read.
	 */
	private QuantizedX quantizedX;
	private final Map<Long, ArrayDeque<DeviceBuffer>> cached = new HashMap<>();
	private long cachedBytes;
	/**
	 * While a capture records: the buffers of tensors freed in it, by size. Later allocations of the capture reuse them
	 * (its operations run in order, as on the stream); the graph keeps them all until it is closed.
	 */
	private Map<Long, ArrayDeque<DeviceBuffer>> freedInCapture;
	/** Per kernel and grid where {@link #PROFILE}: launches and device milliseconds. */
	private final Map<String, double[]> profile = new HashMap<>();

	private record QuantizedX(long address, int rows, int cols) {
	}

	private enum Scratch {
		X_QUANTIZED, X_HALF, W_HALF, ATTENTION, ATTENTION_COUNTERS, CUBLAS_WORKSPACE, GROUP_PARTIALS, GROUP_STATS, CONV_PATCHES, KV_HALF
	}

	private CudaCompute(ComputeContext context, Optional<Cublas.Library> cublas) {
		this.context = context;
		this.module = Kernels.load(context, "compute");
		this.stream = context.newStream();
		this.cublasLibrary = cublas;
	}

	/**
	 * Compute on a CUDA device's context; throws {@link UnsupportedOperationException} naming the device and the reason
	 * where it cannot run Atelier's kernels.
	 */
	public static Compute open(ComputeContext context) {
		return new CudaCompute(context, Cublas.library());
	}

	/** Compute with Atelier's kernels only, whatever cuBLAS is installed: what the GPU check compares cuBLAS with. */
	public static Compute openWithoutCublas(ComputeContext context) {
		return new CudaCompute(context, Optional.empty());
	}

	/**
	 * An upper bound of the scratch {@link #scratch} takes for matmuls of up to {@code batchRows} × {@code maxCols}: 8-bit
	 * x, F16 x, a dequantised weight slice, the cuBLAS workspace, attention partials; doubled for the activations'
	 * buffers, which grow with the batch and keep what they outgrew until close (a captured graph may use them).
	 */
	public static long workspaceBytes(int batchRows, int maxCols) {
		long quantized = (long) GEMV_MAX_ROWS * maxCols + (long) GEMV_MAX_ROWS * maxCols / 32 * 8;
		long half = 2L * batchRows * maxCols;
		long attention = 4L * ATTENTION_BLOCKS * (ATTENTION_MAX_HEAD + 3);
		return 2 * (quantized + half + attention) + DEQUANTIZED_BYTES + CUBLAS_WORKSPACE;
	}

	/** What {@link #open} runs on a device, for {@code atelier devices}. */
	public static String describe(Device device) {
		Optional<String> incompatible = Kernels.incompatibility(device);
		if (incompatible.isPresent()) {
			return "cannot run Atelier's kernels: " + incompatible.get();
		}
		String kernels = "Atelier kernels " + kernelTarget(device);
		return Cublas.library().map(l -> kernels + " + cuBLAS " + l.version() + " (" + l.path() + ")")
				.orElseGet(() -> kernels + " (no cuBLAS: " + Cublas.searched() + ")");
	}

	/** The fatbin's image the driver picks: a cubin up to sm_90, compute_80 PTX through the JIT beyond. */
	private static String kernelTarget(Device device) {
		int major = device.computeCapability().major();
		int minor = device.computeCapability().minor();
		return major > 9 ? "compute_80 PTX (JIT)" : "sm_" + major + minor;
	}

	@Override
	public Device device() {
		return context.device();
	}

	@Override
	public String description() {
		String kernels = "cuda: Atelier kernels " + kernelTarget(device());
		return cublasLibrary.map(l -> kernels + ", cuBLAS " + l.version() + " (" + l.path() + ")").orElse(kernels + ", no cuBLAS");
	}

	@Override
	public Tensor allocate(TensorType type, int rows, int cols) {
		ensureOpen();
		CudaTensor tensor = new CudaTensor(this, type, rows, cols, buffer(Shapes.allocation(type, rows, cols)), 0, null);
		tensors.add(tensor);
		anyQuantised |= type.quantised();
		return tensor;
	}

	@Override
	public Tensor upload(TensorType type, int rows, int cols, MemorySegment data) {
		Shapes.upload(type, rows, cols, data);
		Tensor tensor = allocate(type, rows, cols);
		tensor.write(data);
		return tensor;
	}

	@Override
	public void getRows(Tensor table, Tensor ids, Tensor out) {
		Shapes.getRows(table, ids, out);
		CudaTensor t = own(table);
		launch("get_rows_" + suffix(table.type()), ids.cols(), 1, 1, THREADS, t.address(), table.type().rowBytes(table.cols()), table.rows(),
				own(ids).address(), own(out).address(), table.cols());
	}

	@Override
	public void matmul(Tensor weights, Tensor x, Tensor out) {
		Shapes.matmul(weights, x, out);
		products(List.of(weights), x, List.of(out));
	}

	@Override
	public void matmuls(List<Tensor> weights, Tensor x, List<Tensor> outs) {
		Shapes.matmuls(weights, x, outs);
		products(weights, x, outs);
	}

	/**
	 * A batch: each matrix on tensor cores (cuBLAS where found). A few rows: x quantised once for every quantised matrix,
	 * then one GEMV launch per kernel for up to {@link #GEMV_MATRICES} of its matrices.
	 */
	private void products(List<Tensor> weights, Tensor x, List<Tensor> outs) {
		CudaTensor in = own(x);
		int cols = x.cols();
		int n = x.rows();
		if (n > GEMV_MAX_ROWS && cols % 32 == 0) {
			quantizedX = null; // cuBLAS writes without a launch
			for (int j = 0; j < weights.size(); j++) {
				batched(own(weights.get(j)), in, own(outs.get(j)));
			}
			return;
		}
		Map<String, List<Integer>> byKernel = new LinkedHashMap<>();
		for (int j = 0; j < weights.size(); j++) {
			byKernel.computeIfAbsent(gemvKernel(weights.get(j).type(), cols), kernel -> new ArrayList<>()).add(j);
		}
		long quantized = 0;
		long scales = 0;
		if (weights.stream().anyMatch(w -> w.type().quantised())) {
			quantized = quantizedScratch(n, cols).address();
			scales = quantized + (long) n * cols;
			QuantizedX wanted = new QuantizedX(in.address(), n, cols);
			if (!wanted.equals(quantizedX)) {
				launch("quantize_x", ceil(cols / 32, THREADS / 32), n, 1, THREADS, in.address(), quantized, scales, cols);
				quantizedX = wanted;
			}
		}
		for (Map.Entry<String, List<Integer>> group : byKernel.entrySet()) {
			List<Integer> members = group.getValue();
			for (int first = 0; first < members.size(); first += GEMV_MATRICES) {
				List<Integer> some = members.subList(first, Math.min(members.size(), first + GEMV_MATRICES));
				List<Object> weightArgs = new ArrayList<>();
				List<Object> outArgs = new ArrayList<>();
				List<Object> rowArgs = new ArrayList<>();
				int rows = 0;
				for (int m = 0; m < GEMV_MATRICES; m++) {
					Tensor w = m < some.size() ? weights.get(some.get(m)) : null;
					weightArgs.add(w == null ? 0L : own(w).address());
					outArgs.add(w == null ? 0L : own(outs.get(some.get(m))).address());
					rowArgs.add(w == null ? 0 : w.rows());
					rows += w == null ? 0 : w.rows();
				}
				TensorType type = weights.get(some.get(0)).type();
				List<Object> args = new ArrayList<>(weightArgs);
				args.addAll(outArgs);
				args.addAll(rowArgs);
				args.add(type.rowBytes(cols));
				args.addAll(type.quantised() ? List.of(quantized, scales, cols) : List.of(in.address(), cols));
				launch(group.getKey(), ceil(rows, THREADS / 32), n, 1, THREADS, args.toArray());
			}
		}
		for (Tensor out : outs) {
			if (overlaps(own(out), in)) {
				quantizedX = null;
			}
		}
	}

	/** x's 8 bits and its blocks' (d, d·Σq), as quantize_x, rms_norm and swiglu write them for a GEMV of n × cols. */
	private DeviceBuffer quantizedScratch(int n, int cols) {
		return scratch(Scratch.X_QUANTIZED, (long) n * cols + (long) n * cols / 32 * 8);
	}

	/** Notes that the launch just queued quantised {@code out} (where xq is not zeros). */
	private void quantized(Tensor out, long[] xq) {
		if (xq[0] != 0) {
			quantizedX = new QuantizedX(own(out).address(), out.rows(), out.cols());
		}
	}

	private static boolean overlaps(CudaTensor a, CudaTensor b) {
		return a.address() < b.address() + b.bytes() && b.address() < a.address() + a.bytes();
	}

	/**
	 * The quantised-x arguments (xq, xds) of a kernel writing n × cols activations that a GEMV may read next, or zeros:
	 * only while quantised weights exist here, for GEMV batches, rows of whole blocks, and as many values as the kernel
	 * quantises ({@code maxCols}).
	 */
	private long[] quantizeAlso(int n, int cols, int maxCols) {
		if (!anyQuantised || n > GEMV_MAX_ROWS || cols % 32 != 0 || cols > maxCols) {
			return new long[] { 0L, 0L };
		}
		long xq = quantizedScratch(n, cols).address();
		return new long[] { xq, xq + (long) n * cols };
	}

	/** The GEMV kernel of a weight type: 16-byte loads where the rows allow them, a value at a time otherwise. */
	private static String gemvKernel(TensorType type, int cols) {
		boolean vectors = type.quantised() || cols % (type == TensorType.F32 ? 4 : 8) == 0;
		return (vectors ? "gemv_" : "gemv_any_") + suffix(type);
	}

	private void batched(CudaTensor w, CudaTensor x, CudaTensor out) {
		if (cublasLibrary.isPresent()) {
			cublasMatmul(w, x, out);
		} else {
			launch("matmul_tc_" + suffix(w.type()), ceil(w.rows(), 64), ceil(x.rows(), 64), 1, THREADS, w.address(), w.type().rowBytes(w.cols()),
					x.address(), out.address(), w.rows(), w.cols(), x.rows());
		}
	}

	/**
	 * cuBLAS: F32 weights directly; every other type as F16 (F16 weights in place, others dequantised a slice of rows at
	 * a time into scratch) against x converted to F16, accumulating in F32.
	 */
	private void cublasMatmul(CudaTensor w, CudaTensor x, CudaTensor out) {
		int rows = w.rows();
		int cols = w.cols();
		int n = x.rows();
		try (ComputeContext.Binding bound = context.bind()) {
			Cublas.Handle handle = cublas();
			if (w.type() == TensorType.F32) {
				timed("cublasGemmEx F32 " + rows + "×" + cols, () -> handle.gemm(rows, n, cols, w.address(), Cublas.R_32F, cols, x.address(), cols, out.address(), rows));
				return;
			}
			long xHalf = scratch(Scratch.X_HALF, 2L * n * cols).address();
			long count = (long) n * cols;
			launch("to_f16", (int) Math.min(ceil(count, THREADS), 4096), 1, 1, THREADS, x.address(), xHalf, count);
			cublasHalf(handle, w, xHalf, n, out.address());
		}
	}

	/** out (n × w.rows, F32) = xHalf (n × w.cols, F16) · Wᵀ with a weight of any type but F32, in the bound context. */
	private void cublasHalf(Cublas.Handle handle, CudaTensor w, long xHalf, int n, long out) {
		int rows = w.rows();
		int cols = w.cols();
		if (w.type() == TensorType.F16) {
			timed("cublasGemmEx F16 " + rows + "×" + cols, () -> handle.gemm(rows, n, cols, w.address(), Cublas.R_16F, cols, xHalf, cols, out, rows));
			return;
		}
		int slice = (int) Math.max(1, Math.min(rows, DEQUANTIZED_BYTES / (2L * cols)));
		// always the whole area: slices of other shapes fit it, and outgrown ones would pass the lease's workspace
		long wHalf = scratch(Scratch.W_HALF, Math.max(DEQUANTIZED_BYTES, 2L * slice * cols)).address();
		for (int first = 0; first < rows; first += slice) {
			int count = Math.min(slice, rows - first);
			launch("dequantize_f16_" + suffix(w.type()), (int) Math.min(ceil((long) count * cols, THREADS), 8192), 1, 1, THREADS, w.address(),
					w.type().rowBytes(cols), wHalf, first, count, cols);
			long target = out + 4L * first;
			timed("cublasGemmEx F16 slice", () -> handle.gemm(count, n, cols, wHalf, Cublas.R_16F, cols, xHalf, cols, target, rows));
		}
	}

	private Cublas.Handle cublas() {
		if (cublas == null) {
			DeviceBuffer workspace = scratch(Scratch.CUBLAS_WORKSPACE, CUBLAS_WORKSPACE);
			cublas = new Cublas.Handle(cublasLibrary.orElseThrow(), stream.handle(), workspace.address(), workspace.bytes());
		}
		return cublas;
	}

	@Override
	public void add(Tensor a, Tensor b, Tensor out) {
		Shapes.add(a, b, out);
		long count = (long) a.rows() * a.cols();
		launch("add", gridStride(count), 1, 1, THREADS, own(a).address(), own(b).address(), own(out).address(), count,
				(long) (a.rows() / b.rows()) * a.cols(), a.cols());
	}

	@Override
	public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
		Shapes.rmsNorm(x, weight, out);
		long[] xq = quantizeAlso(out.rows(), out.cols(), NORM_PER * NORM_THREADS);
		launch("rms_norm", x.rows(), 1, 1, NORM_THREADS, own(x).address(), 0L, own(weight).address(), 0L, own(out).address(), x.cols(), eps, xq[0],
				xq[1]);
		quantized(out, xq);
	}

	@Override
	public void addRmsNorm(Tensor a, Tensor b, Tensor weight, float eps, Tensor sum, Tensor out) {
		Shapes.addRmsNorm(a, b, weight, sum, out);
		long[] xq = quantizeAlso(out.rows(), out.cols(), NORM_PER * NORM_THREADS);
		launch("rms_norm", a.rows(), 1, 1, NORM_THREADS, own(a).address(), own(b).address(), own(weight).address(), own(sum).address(),
				own(out).address(), a.cols(), eps, xq[0], xq[1]);
		quantized(out, xq);
	}

	@Override
	public void rope(Tensor x, Tensor positions, Tensor frequencies, int headSize, boolean neox) {
		Shapes.rope(x, positions, frequencies, headSize);
		launch("rope_store", x.rows(), ropeBlocks(x.cols() / 2), 1, THREADS, own(x).address(), 0L, 0L, own(positions).address(), own(frequencies).address(), x.cols(), 0,
				headSize, neox ? 1 : 0, 0L, 0L, 0, 0);
	}

	@Override
	public void ropeAndCache(Tensor q, Tensor k, Tensor v, Tensor positions, Tensor frequencies, int headSize, boolean neox, Tensor keys,
			Tensor values) {
		Shapes.ropeAndCache(q, k, v, positions, frequencies, headSize, keys, values);
		launch("rope_store", q.rows(), ropeBlocks(Math.max(q.cols() / 2, k.cols())), 1, THREADS, own(q).address(), own(k).address(),
				own(v).address(), own(positions).address(), own(frequencies).address(), q.cols(), k.cols(), headSize, neox ? 1 : 0,
				own(keys).address(), own(values).address(), keys.rows(), keys.type() == TensorType.F16 ? 1 : 0);
	}

	@Override
	public void setRows(Tensor rows, Tensor positions, Tensor cache) {
		Shapes.setRows(rows, positions, cache);
		launch("rope_store", rows.rows(), ropeBlocks(rows.cols()), 1, THREADS, 0L, 0L, own(rows).address(), own(positions).address(), 0L, 0,
				rows.cols(), 0, 0, 0L, own(cache).address(), cache.rows(), cache.type() == TensorType.F16 ? 1 : 0);
	}

	@Override
	public void attention(Tensor q, Tensor keys, Tensor values, Tensor positions, int heads, int kvHeads, Tensor out) {
		int headSize = Shapes.attention(q, keys, values, positions, heads, kvHeads, out);
		if (headSize > ATTENTION_MAX_HEAD) {
			throw new IllegalArgumentException("attention: heads of " + headSize + " values; the CUDA kernels take at most " + ATTENTION_MAX_HEAD);
		}
		int n = q.rows();
		int splits = attentionSplits(n, heads, keys.rows());
		int chunk = ceil(keys.rows(), splits);
		long partial = 0;
		long counters = 0;
		if (splits > 1) {
			partial = scratch(Scratch.ATTENTION, 4L * n * heads * splits * (headSize + 2)).address();
			counters = attentionCounters(4L * n * heads).address();
		}
		boolean f16 = keys.type() == TensorType.F16;
		// 16-byte loads where a head's values fill them (every Llama, Mistral and Qwen2 shape), a value at a time otherwise
		String kernel = (headSize % (f16 ? 8 : 4) == 0 ? "attention_wide_" : "attention_") + (f16 ? "f16" : "f32");
		// a warp writes 32 values of a head: whole blocks to quantise where heads have a multiple of 32
		long[] xq = headSize % 32 == 0 ? quantizeAlso(n, out.cols(), Integer.MAX_VALUE) : new long[] { 0L, 0L };
		launch(kernel, heads, n, splits, 128, own(q).address(), own(keys).address(), own(values).address(), own(positions).address(), heads, kvHeads,
				headSize, keys.rows(), chunk, splits, own(out).address(), partial, counters, xq[0], xq[1]);
		quantized(out, xq);
	}

	/** The splits' finishing counters, zero when made: the last split of each (row, head) combines them and resets its own. */
	private DeviceBuffer attentionCounters(long bytes) {
		DeviceBuffer before = scratch.get(Scratch.ATTENTION_COUNTERS);
		DeviceBuffer buffer = scratch(Scratch.ATTENTION_COUNTERS, bytes);
		if (buffer != before) {
			buffer.clear(0, buffer.bytes(), stream);
		}
		return buffer;
	}

	/**
	 * Into how many chunks attention cuts the cache: enough blocks for the GPU when few queries run (decode), one when a
	 * batch has blocks enough. Fixed by the cache's size, not the position, so that a captured graph serves every one.
	 */
	static int attentionSplits(int queries, int heads, int cacheRows) {
		long blocks = (long) queries * heads;
		int wanted = (int) Math.max(1, ATTENTION_BLOCKS / blocks);
		return Math.max(1, Math.min(wanted, ceil(cacheRows, ATTENTION_MIN_CHUNK)));
	}

	@Override
	public void swiGlu(Tensor gate, Tensor up, Tensor out) {
		Shapes.swiGlu(gate, up, out);
		long count = (long) gate.rows() * gate.cols();
		long[] xq = quantizeAlso(out.rows(), out.cols(), Integer.MAX_VALUE);
		launch("swiglu", gridStride(count), 1, 1, THREADS, own(gate).address(), own(up).address(), own(out).address(), count, xq[0], xq[1]);
		quantized(out, xq);
	}

	@Override
	public void activation(Activation f, Tensor x, Tensor out) {
		Shapes.activation(x, out);
		long count = (long) x.rows() * x.cols();
		launch("activation", gridStride(count), 1, 1, THREADS, own(x).address(), own(out).address(), count, f.ordinal());
	}

	@Override
	public void geglu(Tensor x, Tensor out) {
		Shapes.geglu(x, out);
		launch("geglu", gridStride((long) out.rows() * out.cols()), 1, 1, THREADS, own(x).address(), own(out).address(), (long) out.rows(), out.cols());
	}

	@Override
	public void linear(Tensor weights, Tensor bias, Tensor x, Tensor out) {
		Shapes.linear(weights, bias, x, out);
		products(List.of(weights), x, List.of(out));
		addBias(bias, out);
	}

	/** out's rows += bias (none when null). */
	private void addBias(Tensor bias, Tensor out) {
		if (bias != null) {
			long count = (long) out.rows() * out.cols();
			launch("bias_rows_" + suffix(bias.type()), gridStride(count), 1, 1, THREADS, own(out).address(), own(bias).address(), count, out.cols());
		}
	}

	@Override
	public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
		Shapes.layerNorm(x, weight, bias, out);
		sameParameterType("layerNorm", weight, bias);
		launch("layer_norm_" + suffix(weight.type()), x.rows(), 1, 1, NORM_THREADS, own(x).address(), own(weight).address(), own(bias).address(),
				own(out).address(), x.cols(), eps);
	}

	/** The kernels read a norm's scale and shift in one type, as checkpoints store them. */
	private static void sameParameterType(String op, Tensor weight, Tensor bias) {
		if (weight.type() != bias.type()) {
			throw new IllegalArgumentException(op + ": weight " + weight.type() + " and bias " + bias.type() + " on CUDA must be of one type");
		}
	}

	@Override
	public void groupNorm(Tensor x, int batch, int groups, Tensor weight, Tensor bias, float eps, boolean silu, Tensor out) {
		Shapes.groupNorm(x, batch, groups, weight, bias, out);
		sameParameterType("groupNorm", weight, bias);
		long pixels = x.rows() / batch;
		long values = pixels * (x.cols() / groups);
		int chunks = (int) Math.min(GROUP_CHUNKS, Math.max(1, values / GROUP_CHUNK_VALUES));
		long chunk = (values + chunks - 1) / chunks;
		int stats = batch * groups;
		long partials = scratch(Scratch.GROUP_PARTIALS, 12L * stats * chunks).address();
		long statsAt = scratch(Scratch.GROUP_STATS, 8L * stats).address();
		launch("group_partials", groups, chunks, batch, THREADS, own(x).address(), partials, pixels, x.cols(), groups, chunk);
		launch("group_stats", ceil(stats, 32), 1, 1, 32, partials, statsAt, stats, chunks, eps);
		long count = (long) x.rows() * x.cols();
		launch("group_norm_" + suffix(weight.type()), gridStride(count), 1, 1, THREADS, own(x).address(), statsAt, own(weight).address(),
				own(bias).address(), own(out).address(), count, x.cols(), x.cols() / groups, silu ? 1 : 0, pixels * x.cols());
	}

	/**
	 * As a matrix product: a 1×1 convolution multiplies the pixels directly; others gather receptive fields (im2col) a
	 * slice of output pixels at a time into scratch, then multiply those — as F16 straight into cuBLAS where it is found
	 * and the weights are not F32.
	 */
	@Override
	public void conv2d(Tensor x, int batch, int height, int width, Tensor weight, Tensor bias, int kernel, int stride, int padding, Tensor out) {
		Shapes.conv2d(x, batch, height, width, weight, bias, kernel, stride, padding, out);
		// a product of rows that are not whole 32-value blocks runs as GEMVs, one grid row per pixel: at most 65535
		boolean gemv = weight.cols() % 32 != 0;
		if (kernel == 1 && stride == 1 && padding == 0 && !(gemv && x.rows() > MAX_GRID_Y)) {
			products(List.of(weight), x, List.of(out));
		} else {
			int length = weight.cols();
			int outW = Shapes.convOut(width, kernel, stride, padding);
			int pixels = out.rows();
			boolean half = cublasLibrary.isPresent() && weight.type() != TensorType.F32;
			int valueBytes = half ? 2 : 4;
			int slice = (int) Math.max(1, Math.min(Math.min(pixels, gemv && !half ? MAX_GRID_Y : Integer.MAX_VALUE), PATCH_BYTES / (valueBytes * (long) length)));
			DeviceBuffer patches = scratch(half ? Scratch.X_HALF : Scratch.CONV_PATCHES, (long) valueBytes * slice * length);
			for (int first = 0; first < pixels; first += slice) {
				int count = Math.min(slice, pixels - first);
				launch(half ? "im2col_f16" : "im2col_f32", gridStride((long) count * x.cols()), 1, 1, THREADS, own(x).address(), patches.address(), height,
						width, x.cols(), kernel, stride, padding, outW, (long) first, (long) count, (long) pixels / batch);
				if (half) {
					quantizedX = null; // cuBLAS writes without a launch
					try (ComputeContext.Binding bound = context.bind()) {
						cublasHalf(cublas(), own(weight), patches.address(), count, own(out).address() + 4L * first * out.cols());
					}
				} else {
					products(List.of(weight), new CudaTensor(this, TensorType.F32, count, length, patches, 0, null), List.of(out.rows(first, count)));
				}
			}
		}
		addBias(bias, out);
	}

	@Override
	public void multiHeadAttention(Tensor q, Tensor k, Tensor v, int batch, int heads, boolean causal, Tensor out) {
		Shapes.multiHeadAttention(q, k, v, batch, heads, causal, out);
		int d = q.cols() / heads;
		if (d > MHA_MAX_HEAD) {
			throw new IllegalArgumentException("multiHeadAttention: heads of " + d + " values; CUDA takes up to " + MHA_MAX_HEAD);
		}
		float scale = (float) (1 / Math.sqrt(d));
		// on tensor cores (F16 operands, as diffusers runs SD in FP16): a warp's fragments hold heads up to 160 wide;
		// wider ones (the VAE's) are split over four warps
		String kernel = d <= 80 ? "flash_attention_80" : d <= 160 ? "flash_attention_160" : "flash_attention_wide";
		int rows = d <= 160 ? FLASH_ROWS : FLASH_WIDE_ROWS;
		// K and V once as F16, each head padded to whole 16-byte chunks, not again by every block of queries that reads them
		int dp8 = (d + 7) & ~7;
		long count = (long) k.rows() * heads * dp8;
		long kHalf = scratch(Scratch.KV_HALF, 4 * count).address();
		long vHalf = kHalf + 2 * count;
		int grid = (int) Math.min(ceil(count, THREADS), 4096);
		launch("heads_to_f16", grid, 1, 1, THREADS, own(k).address(), kHalf, (long) k.rows(), heads, d, dp8);
		launch("heads_to_f16", grid, 1, 1, THREADS, own(v).address(), vHalf, (long) v.rows(), heads, d, dp8);
		int n = q.rows() / batch;
		launch(kernel, ceil(n, rows), heads, batch, d <= 160 ? FLASH_THREADS : FLASH_WIDE_THREADS, own(q).address(), kHalf, vHalf,
				own(out).address(), n, k.rows() / batch, heads, d, causal ? 1 : 0, scale);
	}

	@Override
	public void upsampleNearest2x(Tensor x, int height, int width, Tensor out) {
		Shapes.upsampleNearest2x(x, height, width, out);
		launch("upsample_nearest2x", gridStride((long) out.rows() * out.cols()), 1, 1, THREADS, own(x).address(), own(out).address(), height, width,
				x.cols());
	}

	@Override
	public void pad(Tensor x, int height, int width, int top, int bottom, int left, int right, Tensor out) {
		Shapes.pad(x, height, width, top, bottom, left, right, out);
		launch("pad_image", gridStride((long) out.rows() * out.cols()), 1, 1, THREADS, own(x).address(), own(out).address(), height, width, top, left,
				height + top + bottom, width + left + right, x.cols());
	}

	@Override
	public void concatColumns(Tensor a, Tensor b, Tensor out) {
		Shapes.concatColumns(a, b, out);
		launch("concat_columns", gridStride((long) out.rows() * out.cols()), 1, 1, THREADS, own(a).address(), own(b).address(), own(out).address(),
				(long) out.rows(), a.cols(), b.cols());
	}

	@Override
	public void timestepEmbedding(Tensor timesteps, Tensor out) {
		Shapes.timestepEmbedding(timesteps, out);
		launch("timestep_embedding", gridStride((long) out.rows() * out.cols() / 2), 1, 1, THREADS, own(timesteps).address(), own(out).address(),
				out.rows(), out.cols() / 2);
	}


	@Override
	public void argmax(Tensor values, Tensor out) {
		Shapes.argmax(values, out);
		launch("argmax", values.rows(), 1, 1, 1024, own(values).address(), own(out).address(), values.cols());
	}

	@Override
	public void topK(Tensor row, int k, Tensor values, Tensor indices) {
		Shapes.topK(row, k, values, indices);
		launch("top_k", 1, 1, 1, 1024, own(row).address(), row.cols(), k, own(values).address(), own(indices).address());
	}

	@Override
	public void copy(Tensor source, Tensor target) {
		Shapes.copy(source, target);
		CudaTensor s = own(source);
		CudaTensor t = own(target);
		quantizedX = null;
		s.buffer.copyTo(s.offset, t.buffer, t.offset, s.bytes(), stream);
	}

	@Override
	public Graph capture(Runnable work) {
		ensureOpen();
		if (capturing) {
			throw new IllegalStateException("capture: a capture is already recording on " + device().id() + "; captures do not nest");
		}
		if (PROFILE) {
			return new Graph() {
				@Override
				public void replay() {
					work.run();
				}

				@Override
				public void close() {
					// nothing was recorded
				}
			};
		}
		synchronized (this) {
			freedInCapture = new HashMap<>();
		}
		DeviceStream.Graph recorded;
		try {
			recorded = record(work);
		} catch (RuntimeException | Error e) {
			// nothing recorded runs: the temporaries' buffers are free again
			synchronized (this) {
				freedInCapture.values().forEach(buffers -> buffers.forEach(this::cache));
				freedInCapture = null;
			}
			throw e;
		}
		List<DeviceBuffer> held = new ArrayList<>();
		synchronized (this) {
			freedInCapture.values().forEach(held::addAll);
			freedInCapture = null;
		}
		CudaGraph graph = new CudaGraph(recorded, held);
		graphs.add(graph);
		return graph;
	}

	/** What {@code work} queues on the stream, recorded as a graph; a failure ends the recording. */
	private DeviceStream.Graph record(Runnable work) {
		stream.beginCapture();
		capturing = true;
		quantizedX = null; // a graph replays later, after other work: it relies on nothing queued before it
		try {
			work.run();
		} catch (RuntimeException | Error e) {
			capturing = false;
			try {
				stream.endCapture().close();
			} catch (RuntimeException ended) {
				e.addSuppressed(ended);
			}
			throw e;
		}
		capturing = false;
		quantizedX = null; // what the graph's kernels quantised is not on the stream until it replays
		return stream.endCapture();
	}

	@Override
	public void synchronize() {
		ensureOpen();
		stream.synchronize();
	}

	@Override
	public synchronized void close() {
		if (closed) {
			return;
		}
		closed = true;
		if (PROFILE) {
			printProfile();
		}
		graphs.forEach(CudaGraph::close);
		tensors.forEach(t -> t.buffer.close());
		tensors.clear();
		releaseCache();
		if (cublas != null) {
			try (ComputeContext.Binding bound = context.bind()) {
				cublas.close();
			} catch (IllegalStateException contextClosed) {
				// an evicted lease closed the context first; the handle's few bytes stay with the primary context
			}
		}
		scratch.values().forEach(DeviceBuffer::close);
		outgrown.forEach(DeviceBuffer::close);
		stream.close();
		module.close();
	}

	void write(CudaTensor tensor, MemorySegment source) {
		ensureOpen();
		live(tensor);
		if (capturing) {
			throw new IllegalStateException("write: tensors are written before a capture or between replays, not while one records");
		}
		quantizedX = null;
		tensor.buffer.writeAsync(tensor.offset, source, stream);
		stream.synchronize(); // the caller may reuse its memory once write returns
	}

	void read(CudaTensor tensor, MemorySegment target) {
		ensureOpen();
		live(tensor);
		if (capturing) {
			throw new IllegalStateException("read: no read may happen while a capture records");
		}
		stream.synchronize();
		tensor.buffer.read(tensor.offset, target);
	}

	/**
	 * A freed buffer of exactly {@code bytes} where one waits (in a capture, one freed earlier in it first), else a new
	 * one (the cache given back first if the lease is full).
	 */
	private synchronized DeviceBuffer buffer(long bytes) {
		ArrayDeque<DeviceBuffer> inCapture = freedInCapture == null ? null : freedInCapture.get(bytes);
		if (inCapture != null && !inCapture.isEmpty()) {
			return inCapture.pop();
		}
		ArrayDeque<DeviceBuffer> same = cached.get(bytes);
		if (same != null && !same.isEmpty()) {
			cachedBytes -= bytes;
			return same.pop();
		}
		try {
			return context.allocate(bytes);
		} catch (IllegalStateException leaseFull) {
			// no cuMemFree while a capture records: the capture fails instead (the engine then runs eagerly)
			if (cachedBytes == 0 || capturing) {
				throw leaseFull;
			}
			releaseCache();
			return context.allocate(bytes);
		}
	}

	/**
	 * Keeps a freed tensor's buffer for the next tensor of its size: cuMemFree waits for the whole device, and an engine
	 * that frees a temporary per operation (the diffusion UNet) would stall the GPU at each. Reuse is safe because every
	 * operation runs on the one stream, in order. While a capture records, the buffer stays with the graph, which keeps
	 * using it (a temporary of a captured step).
	 */
	synchronized void free(CudaTensor tensor) {
		if (!tensors.remove(tensor)) {
			return;
		}
		DeviceBuffer buffer = tensor.buffer;
		if (closed) {
			buffer.close();
		} else if (freedInCapture != null) {
			freedInCapture.computeIfAbsent(buffer.bytes(), b -> new ArrayDeque<>()).push(buffer);
		} else if (capturing) {
			buffer.close();
		} else {
			cache(buffer);
		}
	}

	private synchronized void cache(DeviceBuffer buffer) {
		if (closed) {
			buffer.close();
			return;
		}
		cached.computeIfAbsent(buffer.bytes(), b -> new ArrayDeque<>()).push(buffer);
		cachedBytes += buffer.bytes();
	}

	private void releaseCache() {
		cached.values().forEach(buffers -> buffers.forEach(DeviceBuffer::close));
		cached.clear();
		cachedBytes = 0;
	}

	private CudaTensor own(Tensor tensor) {
		if (!(tensor instanceof CudaTensor t) || t.compute() != this) {
			throw new IllegalArgumentException("a tensor of another compute was passed to the compute on " + device().id());
		}
		live(t);
		return t;
	}

	private void live(CudaTensor tensor) {
		if (tensor.isClosed()) {
			throw new IllegalStateException("a closed " + tensor.type() + " tensor of " + Shapes.shape(tensor) + " was used on " + device().id());
		}
	}

	private void ensureOpen() {
		if (closed) {
			throw new IllegalStateException("the compute on " + device().id() + " is closed");
		}
	}

	/** A scratch area of at least {@code bytes}; a larger one replaces it, the old kept for graphs recorded with it. */
	private DeviceBuffer scratch(Scratch use, long bytes) {
		DeviceBuffer buffer = scratch.get(use);
		if (buffer == null || buffer.bytes() < bytes) {
			if (buffer != null) {
				outgrown.add(buffer);
			}
			buffer = context.allocate(bytes);
			scratch.put(use, buffer);
		}
		return buffer;
	}

	private void launch(String kernel, int gridX, int gridY, int gridZ, int block, Object... args) {
		ensureOpen();
		DeviceFunction function = functions.computeIfAbsent(kernel, module::function);
		if (!kernel.startsWith("gemv_")) {
			quantizedX = null; // a GEMV only reads x; anything else may write it
		}
		timed(kernel + " " + gridX + "×" + gridY + "×" + gridZ, () -> function.launch(new Dim(gridX, gridY, gridZ), Dim.of(block), 0, stream, args));
	}

	/**
	 * Runs a launch; in {@link #PROFILE} mode as a graph of {@link #PROFILE_REPEATS} copies timed between two events,
	 * so that a kernel's time is what it takes inside a graph, without the host's launch latency.
	 */
	private void timed(String name, Runnable launch) {
		if (!PROFILE || capturing) {
			launch.run();
			return;
		}
		try (DeviceStream.Graph repeated = record(() -> {
			for (int r = 0; r < PROFILE_REPEATS; r++) {
				launch.run();
			}
		}); DeviceStream.Mark before = stream.mark()) {
			repeated.launch();
			try (DeviceStream.Mark after = stream.mark()) {
				double[] entry = profile.computeIfAbsent(name, k -> new double[2]);
				entry[0]++;
				entry[1] += after.millisSince(before) / PROFILE_REPEATS;
			}
		}
	}

	private void printProfile() {
		double total = profile.values().stream().mapToDouble(e -> e[1]).sum();
		System.err.printf(Locale.ROOT, "kernel profile of the compute on %s (device time inside graphs, %.1f ms in all)%n", device().id(), total);
		System.err.printf(Locale.ROOT, "%8s %10s %10s %7s  %s%n", "launches", "total ms", "mean µs", "share", "kernel grid");
		profile.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).forEach(e -> System.err.printf(Locale.ROOT,
				"%8d %10.2f %10.2f %6.1f%%  %s%n", (long) e.getValue()[0], e.getValue()[1], 1000 * e.getValue()[1] / e.getValue()[0], 100 * e.getValue()[1] / total, e.getKey()));
	}

	private static String suffix(TensorType type) {
		return type.name().toLowerCase(Locale.ROOT);
	}

	/** Blocks of rope_store per row for a row's largest share of work items (rotated pairs, stored values): one each. */
	private static int ropeBlocks(int items) {
		return ceil(items, THREADS);
	}

	private static int gridStride(long count) {
		return (int) Math.min(ceil(count, THREADS), 4096);
	}

	private static int ceil(long count, int per) {
		return (int) ((count + per - 1) / per);
	}

	/** A recorded sequence, replayed on the compute's stream, with the buffers of the temporaries it freed. */
	private final class CudaGraph implements Graph {
		private final DeviceStream.Graph graph;
		private final List<DeviceBuffer> held;

		CudaGraph(DeviceStream.Graph graph, List<DeviceBuffer> held) {
			this.graph = graph;
			this.held = held;
		}

		@Override
		public void replay() {
			ensureOpen();
			quantizedX = null; // the graph's kernels may rewrite the 8-bit scratch
			graph.launch();
		}

		@Override
		public void close() {
			if (graphs.remove(this)) {
				graph.close();
				// a replay still queued runs before anything queued after it: the buffers may serve that at once
				held.forEach(CudaCompute.this::cache);
				held.clear();
			}
		}
	}
}
