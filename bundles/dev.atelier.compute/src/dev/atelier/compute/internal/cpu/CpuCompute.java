package dev.atelier.compute.internal.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.compute.internal.Shapes;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.Device;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Every {@link Compute} operation on the host's cores: the Vector API, rows of a matrix split among {@code threads}
 * workers (each row computed by one worker, so results do not depend on the thread count). Operations run before
 * they return; a graph records them and replays the same calls. Memory comes from the context (native memory on the
 * CPU device; on a simulated card, whose context hands out address 0, host memory this compute holds while the lease
 * counts it); uploads read the caller's memory in place, the lease counting it as held for this compute.
 */
public final class CpuCompute implements Compute {

	private static final VectorSpecies<Float> F = LaneSums.SPECIES;
	/** Multiply-adds below which an operation stays on the calling thread: a fork costs more. */
	private static final long PARALLEL_WORK = 1 << 16;

	private final ComputeContext context;
	private final int threads;
	private final Workers pool;
	private final Set<CpuTensor> owned = ConcurrentHashMap.newKeySet();
	private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
	/** The operations a capture is recording; null when operations run at once. */
	private List<Runnable> recording;
	/**
	 * While a graph records: the memory of tensors freed in it, by size, which later allocations of the recording reuse
	 * (its operations replay in order) and the graph keeps until it is closed.
	 */
	private Map<Long, ArrayDeque<Freed>> freedInCapture;
	/** The tensors {@link #allocate} made (not uploads over a caller's memory): only their memory is reused. */
	private final Set<CpuTensor> made = ConcurrentHashMap.newKeySet();

	/** The memory graphs recorded here keep, given back when each is closed, or with the compute. */
	private final Set<Freed> heldByGraphs = ConcurrentHashMap.newKeySet();

	private record Freed(MemorySegment data, AutoCloseable release) {
	}
	/** The batch's activations as arrays, reused by every matmul (operations run one at a time). */
	private float[][] batchIn = new float[0][];
	private float[][] batchOut = new float[0][];
	private float[] flatOut = new float[0];
	/** Quantised activations per block size and row length, reused by every matmul of that shape. */
	private final Map<Long, Q8Activations> activations = new HashMap<>();
	private final Optional<NativeKernels> nativeKernels;
	/** Q8_0 and Q4_0 weights regrouped by eight rows for the native kernels, by tensor. */
	private final Map<CpuTensor, Packed> packed = new ConcurrentHashMap<>();

	private record Packed(Arena arena, MemorySegment data) {
	}

	/**
	 * With the native int8 kernels unless {@code -Datelier.compute.cpu.native=false} (read when a compute opens): then
	 * batches multiply float activations, a reference free of 8-bit rounding (releng/gpu/LlmCheck compares with it).
	 */
	public CpuCompute(ComputeContext context, int threads) {
		this(context, threads, !"false".equals(System.getProperty("atelier.compute.cpu.native")));
	}

	/** {@code nativeKernels} false: the Vector API for every type, as where the native library cannot load. */
	CpuCompute(ComputeContext context, int threads, boolean nativeKernels) {
		this.context = context;
		this.threads = Math.max(1, threads);
		this.pool = this.threads == 1 ? null : new Workers(this.threads, "atelier " + context.device().id());
		this.nativeKernels = nativeKernels ? NativeKernels.get() : Optional.empty();
	}

	@Override
	public Device device() {
		return context.device();
	}

	/** What the CPU backend runs on this machine, for {@code atelier devices}. */
	public static String describe() {
		return "CPU backend: Vector API " + F.vectorBitSize() + "-bit, " + NativeKernels.describe();
	}

	@Override
	public String description() {
		String on = context.device().hostMemory() ? "cpu" : "cpu backend for " + context.device().id();
		return on + ": Vector API " + F.vectorBitSize() + "-bit, " + (nativeKernels.isPresent() ? NativeKernels.describe() + ", " : "") + threads + (threads == 1 ? " thread" : " threads");
	}

	@Override
	public Tensor allocate(TensorType type, int rows, int cols) {
		long bytes = Shapes.allocation(type, rows, cols);
		ArrayDeque<Freed> same = freedInCapture == null ? null : freedInCapture.get(bytes);
		if (same != null && !same.isEmpty()) {
			Freed reused = same.pop();
			return made(new CpuTensor(this, type, rows, cols, reused.data(), reused.release()));
		}
		DeviceBuffer buffer = context.allocate(bytes);
		if (buffer.address() != 0) {
			return made(new CpuTensor(this, type, rows, cols, MemorySegment.ofAddress(buffer.address()).reinterpret(bytes), buffer));
		}
		Arena arena = Arena.ofShared();
		return made(new CpuTensor(this, type, rows, cols, arena.allocate(bytes, 64), () -> {
			arena.close();
			buffer.close();
		}));
	}

	private CpuTensor made(CpuTensor tensor) {
		made.add(tensor);
		return own(tensor);
	}

	@Override
	public Tensor upload(TensorType type, int rows, int cols, MemorySegment data) {
		long bytes = Shapes.upload(type, rows, cols, data);
		CpuTensor tensor = new CpuTensor(this, type, rows, cols, data, context.lease().recordForeign(bytes));
		if (type != TensorType.I32) {
			tensor.weights();
		}
		if (nativeKernels.isPresent() && nativeKernels.get().packs(type, rows)) {
			// the regrouped copy is what the matmuls read: the file's pages stay in the page cache, reclaimable, and
			// the lease counts one copy
			Arena arena = Arena.ofShared();
			packed.put(tensor, new Packed(arena, NativeKernels.packByEight(type, data, rows, cols, arena)));
		}
		return own(tensor);
	}

	private CpuTensor own(CpuTensor tensor) {
		owned.add(tensor);
		return tensor;
	}

	void free(CpuTensor tensor, AutoCloseable release) {
		if (freedInCapture != null && made.remove(tensor)) {
			// a temporary of the graph being recorded: its replays still use the memory
			owned.remove(tensor);
			freedInCapture.computeIfAbsent(tensor.data.byteSize(), b -> new ArrayDeque<>()).push(new Freed(tensor.data, release));
			return;
		}
		made.remove(tensor);
		if (owned.remove(tensor)) {
			Packed regrouped = packed.remove(tensor);
			if (regrouped != null) {
				regrouped.arena().close();
			}
			close(release);
		}
	}

	private static void close(AutoCloseable resource) {
		try {
			resource.close();
		} catch (Exception e) {
			throw new IllegalStateException("cannot free compute memory: " + e.getMessage(), e);
		}
	}

	/** Runs an operation now, or records it while a graph is being captured. */
	void run(Runnable op) {
		if (recording != null) {
			recording.add(op);
		} else {
			op.run();
		}
	}

	void checkNotCapturing(String what) {
		if (recording != null) {
			throw new IllegalStateException(what + " inside a capture: a graph records operations, it reads nothing");
		}
	}

	/** Entry {@code i} of a row of indices, refused unless it names a row of {@code of}. */
	private static int index(String op, String what, CpuTensor indices, int i, CpuTensor of, String ofWhat) {
		int index = indices.getInt(i);
		if (index < 0 || index >= of.rows()) {
			throw new IllegalArgumentException(op + ": " + what + " " + index + " is outside a " + ofWhat + " of " + of.rows() + " rows");
		}
		return index;
	}

	/** Each row of an F32 tensor in turn, read into one array that {@code action} may change. */
	private static void eachRow(CpuTensor in, RowAction action) {
		float[] row = new float[in.cols()];
		for (int r = 0; r < in.rows(); r++) {
			in.readRow(r, row);
			action.apply(r, row);
		}
	}

	private interface RowAction {
		void apply(int r, float[] row);
	}

	private CpuTensor mine(String op, Tensor t) {
		if (t instanceof CpuTensor c && c.owner == this) {
			return c;
		}
		throw new IllegalArgumentException(op + ": " + t + " belongs to another compute");
	}

	@Override
	public void getRows(Tensor table, Tensor ids, Tensor out) {
		Shapes.getRows(table, ids, out);
		CpuTensor t = mine("getRows", table), i = mine("getRows", ids), o = mine("getRows", out);
		run(() -> {
			float[] row = new float[t.cols()];
			for (int r = 0; r < o.rows(); r++) {
				t.weights().row(index("getRows", "id", i, r, t, "table"), row);
				o.writeRow(r, row);
			}
		});
	}

	@Override
	public void matmul(Tensor weights, Tensor x, Tensor out) {
		Shapes.matmul(weights, x, out);
		CpuTensor w = mine("matmul", weights), in = mine("matmul", x), o = mine("matmul", out);
		Packed regrouped = packed.get(w);
		run(() -> matmul(w.weights(), regrouped == null ? null : regrouped.data(), in, o));
	}

	/**
	 * out[t] = W · in[t]. x against quantised weights is quantised to 8 bits once and multiplied in integers
	 * (llama.cpp's way): one row, or a batch where the native kernels take the type (Q8_0 and Q4_0 regrouped by eight
	 * rows where {@code packed} is given). Otherwise one row uses the fused dequantise-and-dot kernels, and a batch
	 * dequantises each weight row once and takes its float dot product with every row of the batch.
	 */
	private void matmul(Weights w, MemorySegment packed, CpuTensor x, CpuTensor out) {
		int n = x.rows();
		int rows = w.rows();
		int cols = w.cols();
		float[][] in = batch(batchIn, n, cols);
		batchIn = in;
		float[][] res = batch(batchOut, n, rows);
		batchOut = res;
		for (int t = 0; t < n; t++) {
			x.readRow(t, in[t]);
		}
		NativeKernels.Rows nativeRows = nativeKernels.isPresent() ? NativeKernels.rows(w) : null;
		Q8Activations q8 = n == 1 || nativeRows != null ? quantised(w, in, n, nativeRows != null) : null;
		// the native kernels write the batch's products into one array, a row of x after another
		float[] flat = nativeRows == null ? null : n == 1 ? res[0] : flatOut(n * rows);
		// packed rows go in whole groups of eight
		int unit = packed == null ? 1 : 8;
		int units = rows / unit;
		int chunks = pool == null || (long) rows * cols * n < PARALLEL_WORK ? 1 : Math.min(units, threads * 2);
		IntConsumer work = chunk -> {
			int from = (int) ((long) chunk * units / chunks) * unit;
			int to = (int) ((long) (chunk + 1) * units / chunks) * unit;
			if (packed != null) {
				NativeKernels k = nativeKernels.get();
				k.dotPacked(k.level, nativeRows.type(), packed, rows, from, to, q8.bytes, q8.scales, q8.sums, cols, n, flat, rows);
				return;
			}
			if (nativeRows != null) {
				NativeKernels k = nativeKernels.get();
				k.dotRows(k.level, nativeRows.type(), nativeRows.data(), nativeRows.type().rowBytes(cols), from, to, q8.bytes, q8.scales, q8.sums, cols,
						n, flat, rows);
				return;
			}
			if (q8 != null) {
				for (int r = from; r < to; r++) {
					res[0][r] = w.dot(r, q8, 0);
				}
				return;
			}
			if (n == 1) {
				for (int r = from; r < to; r++) {
					res[0][r] = w.dot(r, in[0]);
				}
				return;
			}
			float[] row0 = new float[cols];
			float[] row1 = new float[cols];
			int r = from;
			for (; r + 1 < to; r += 2) { // two rows against four tokens at a time: 6 loads for 8 multiply-adds
				w.row(r, row0);
				w.row(r + 1, row1);
				int t = 0;
				for (; t + 3 < n; t += 4) {
					dot2x4(row0, row1, in[t], in[t + 1], in[t + 2], in[t + 3], res, r, t);
				}
				for (; t < n; t++) {
					res[t][r] = dot(row0, 0, in[t], 0, cols);
					res[t][r + 1] = dot(row1, 0, in[t], 0, cols);
				}
			}
			for (; r < to; r++) {
				w.row(r, row0);
				for (int t = 0; t < n; t++) {
					res[t][r] = dot(row0, 0, in[t], 0, cols);
				}
			}
		};
		parallel(chunks, work);
		for (int t = 0; t < n; t++) {
			if (flat != null) {
				MemorySegment.copy(flat, t * rows, out.data, CpuTensor.FLOAT, t * out.rowBytes(), rows);
			} else {
				MemorySegment.copy(res[t], 0, out.data, CpuTensor.FLOAT, t * out.rowBytes(), rows);
			}
		}
	}

	/**
	 * {@code x} quantised to 8 bits as {@code w}'s integer dot product wants it, once for the whole matmul; null where
	 * the weights multiply floats (F32, F16, BF16) or this machine's vectors are too narrow for the Vector API's integer
	 * kernels and no native kernel takes the type.
	 */
	private Q8Activations quantised(Weights w, float[][] x, int n, boolean nativeDot) {
		int block = w.activationBlock();
		if (block == 0 || !Q8Activations.SUPPORTED && !nativeDot) {
			return null;
		}
		Q8Activations q = activations.computeIfAbsent(block * 1_000_000L + w.cols(), key -> new Q8Activations(block, w.cols()));
		q.reserve(n);
		for (int t = 0; t < n; t++) {
			q.quantise(t, x[t]);
		}
		return q;
	}

	/** At least {@code length} floats for a batch's products, reused. */
	private float[] flatOut(int length) {
		if (flatOut.length < length) {
			flatOut = new float[length];
		}
		return flatOut;
	}

	/** At least {@code n} arrays of at least {@code length} floats, reusing {@code have} where it is large enough. */
	private static float[][] batch(float[][] have, int n, int length) {
		if (have.length >= n && (n == 0 || have[0].length >= length)) {
			return have;
		}
		int rows = Math.max(n, have.length);
		int len = Math.max(length, have.length == 0 ? 0 : have[0].length);
		return new float[rows][len];
	}

	/** out[t..t+3][r..r+1]: the dot products of two rows with four vectors, each loaded once. */
	private static void dot2x4(float[] a0, float[] a1, float[] x0, float[] x1, float[] x2, float[] x3, float[][] out, int r, int t) {
		FloatVector s00 = FloatVector.zero(F), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
		int i = 0;
		for (int end = F.loopBound(a0.length); i < end; i += F.length()) {
			FloatVector w0 = FloatVector.fromArray(F, a0, i);
			FloatVector w1 = FloatVector.fromArray(F, a1, i);
			FloatVector v = FloatVector.fromArray(F, x0, i);
			s00 = w0.fma(v, s00);
			s10 = w1.fma(v, s10);
			v = FloatVector.fromArray(F, x1, i);
			s01 = w0.fma(v, s01);
			s11 = w1.fma(v, s11);
			v = FloatVector.fromArray(F, x2, i);
			s02 = w0.fma(v, s02);
			s12 = w1.fma(v, s12);
			v = FloatVector.fromArray(F, x3, i);
			s03 = w0.fma(v, s03);
			s13 = w1.fma(v, s13);
		}
		float[] sums = { LaneSums.sum(s00), LaneSums.sum(s01), LaneSums.sum(s02), LaneSums.sum(s03), LaneSums.sum(s10), LaneSums.sum(s11),
				LaneSums.sum(s12), LaneSums.sum(s13) };
		float[][] xs = { x0, x1, x2, x3 };
		for (; i < a0.length; i++) {
			for (int j = 0; j < 4; j++) {
				sums[j] += a0[i] * xs[j][i];
				sums[4 + j] += a1[i] * xs[j][i];
			}
		}
		for (int j = 0; j < 4; j++) {
			out[t + j][r] = sums[j];
			out[t + j][r + 1] = sums[4 + j];
		}
	}

	/** a[ao …] · b[bo …] over {@code length} values. */
	static float dot(float[] a, int ao, float[] b, int bo, int length) {
		FloatVector acc = FloatVector.zero(F);
		int i = 0;
		for (int end = F.loopBound(length); i < end; i += F.length()) {
			acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
		}
		float sum = LaneSums.sum(acc);
		for (; i < length; i++) {
			sum += a[ao + i] * b[bo + i];
		}
		return sum;
	}

	@Override
	public void add(Tensor a, Tensor b, Tensor out) {
		Shapes.add(a, b, out);
		CpuTensor x = mine("add", a), y = mine("add", b), o = mine("add", out);
		run(() -> {
			int cols = x.cols();
			for (int r = 0; r < x.rows(); r++) {
				long ar = r * x.rowBytes();
				int bRow = r / (x.rows() / y.rows());
				long br = bRow * y.rowBytes();
				int i = 0;
				for (int end = F.loopBound(cols); i < end; i += F.length()) {
					FloatVector.fromMemorySegment(F, x.data, ar + 4L * i, ByteOrder.LITTLE_ENDIAN)
							.add(FloatVector.fromMemorySegment(F, y.data, br + 4L * i, ByteOrder.LITTLE_ENDIAN))
							.intoMemorySegment(o.data, ar + 4L * i, ByteOrder.LITTLE_ENDIAN);
				}
				for (; i < cols; i++) {
					o.setFloat(r, i, x.getFloat(r, i) + y.getFloat(bRow, i));
				}
			}
		});
	}

	@Override
	public void rmsNorm(Tensor x, Tensor weight, float eps, Tensor out) {
		Shapes.rmsNorm(x, weight, out);
		CpuTensor in = mine("rmsNorm", x), w = mine("rmsNorm", weight), o = mine("rmsNorm", out);
		run(() -> {
			int cols = in.cols();
			float[] scale = new float[cols];
			w.readRow(0, scale);
			eachRow(in, (r, row) -> {
				double ss = 0;
				for (float value : row) {
					ss += value * value;
				}
				float inv = (float) (1.0 / Math.sqrt(ss / cols + eps));
				for (int i = 0; i < cols; i++) {
					row[i] = scale[i] * (row[i] * inv);
				}
				o.writeRow(r, row);
			});
		});
	}

	@Override
	public void rope(Tensor x, Tensor positions, Tensor frequencies, int headSize, boolean neox) {
		Shapes.rope(x, positions, frequencies, headSize);
		CpuTensor v = mine("rope", x), p = mine("rope", positions), f = mine("rope", frequencies);
		run(() -> {
			int pairs = headSize / 2;
			int cols = v.cols();
			eachRow(v, (r, row) -> {
				int pos = p.getInt(r);
				for (int j = 0; j < pairs; j++) {
					double angle = pos * (double) f.getFloat(0, j);
					float cos = (float) Math.cos(angle);
					float sin = (float) Math.sin(angle);
					int first = neox ? j : 2 * j;
					int second = neox ? pairs : 1;
					for (int i = first; i < cols; i += headSize) {
						float a = row[i];
						float b = row[i + second];
						row[i] = a * cos - b * sin;
						row[i + second] = a * sin + b * cos;
					}
				}
				v.writeRow(r, row);
			});
		});
	}

	@Override
	public void setRows(Tensor rows, Tensor positions, Tensor cache) {
		Shapes.setRows(rows, positions, cache);
		CpuTensor in = mine("setRows", rows), p = mine("setRows", positions), c = mine("setRows", cache);
		run(() -> eachRow(in, (r, row) -> {
			int pos = index("setRows", "position", p, r, c, "cache");
			if (c.type() == TensorType.F32) {
				c.writeRow(pos, row);
			} else {
				long at = pos * c.rowBytes();
				for (int i = 0; i < row.length; i++) {
					c.data.set(CpuTensor.SHORT, at + 2L * i, Float.floatToFloat16(row[i]));
				}
			}
		}));
	}

	@Override
	public void attention(Tensor q, Tensor keys, Tensor values, Tensor positions, int heads, int kvHeads, Tensor out) {
		int headSize = Shapes.attention(q, keys, values, positions, heads, kvHeads, out);
		CpuTensor query = mine("attention", q), k = mine("attention", keys), v = mine("attention", values);
		CpuTensor p = mine("attention", positions), o = mine("attention", out);
		run(() -> attention(query, k, v, p, heads, kvHeads, headSize, o));
	}

	/**
	 * Per key/value head and chunk of rows: that head's cached keys and values (up to the chunk's last position) as
	 * floats once, then every query head that reads it, for every row of the chunk.
	 */
	private void attention(CpuTensor q, CpuTensor keys, CpuTensor values, CpuTensor positions, int heads, int kvHeads, int headSize, CpuTensor out) {
		int n = q.rows();
		int kvMul = heads / kvHeads;
		int maxPos = 0;
		for (int r = 0; r < n; r++) {
			maxPos = Math.max(maxPos, index("attention", "position", positions, r, keys, "cache"));
		}
		int rowChunks = pool == null ? 1 : Math.min(n, Math.max(1, 2 * threads / kvHeads));
		long work = (long) n * (maxPos + 1) * q.cols() * 2;
		int tasks = work < PARALLEL_WORK ? 1 : kvHeads * rowChunks;
		float scale = (float) (1.0 / Math.sqrt(headSize));
		IntConsumer task = id -> {
			int g0 = tasks == 1 ? 0 : id % kvHeads;
			int g1 = tasks == 1 ? kvHeads : g0 + 1;
			int chunk = tasks == 1 ? 0 : id / kvHeads;
			int from = tasks == 1 ? 0 : chunk * n / rowChunks;
			int to = tasks == 1 ? n : (chunk + 1) * n / rowChunks;
			int last = 0;
			for (int r = from; r < to; r++) {
				last = Math.max(last, positions.getInt(r));
			}
			Scratch s = scratch.get();
			int length = (last + 1) * headSize;
			float[] kf = s.keys = Scratch.grow(s.keys, length);
			float[] vf = s.values = Scratch.grow(s.values, length);
			float[] att = s.scores = Scratch.grow(s.scores, last + 1);
			float[] row = s.row = Scratch.grow(s.row, q.cols());
			float[] acc = s.acc = Scratch.grow(s.acc, headSize);
			for (int g = g0; g < g1; g++) {
				load(keys, g * headSize, headSize, last + 1, kf);
				load(values, g * headSize, headSize, last + 1, vf);
				for (int r = from; r < to; r++) {
					int pos = positions.getInt(r);
					q.readRow(r, row);
					for (int h = g * kvMul; h < (g + 1) * kvMul; h++) {
						int qo = h * headSize;
						for (int t = 0; t <= pos; t++) {
							att[t] = dot(row, qo, kf, t * headSize, headSize) * scale;
						}
						softmax(att, pos + 1);
						Arrays.fill(acc, 0, headSize, 0f);
						for (int t = 0; t <= pos; t++) {
							axpy(att[t], vf, t * headSize, acc, headSize);
						}
						MemorySegment.copy(acc, 0, out.data, CpuTensor.FLOAT, r * out.rowBytes() + 4L * qo, headSize);
					}
				}
			}
		};
		parallel(tasks, task);
	}

	/** Columns {@code col …} of rows 0 … count-1 of a cache (F16 or F32), as floats, row after row. */
	private static void load(CpuTensor cache, int col, int length, int count, float[] out) {
		long rowBytes = cache.rowBytes();
		if (cache.type() == TensorType.F32) {
			for (int t = 0; t < count; t++) {
				MemorySegment.copy(cache.data, CpuTensor.FLOAT, t * rowBytes + 4L * col, out, t * length, length);
			}
			return;
		}
		for (int t = 0; t < count; t++) {
			long at = t * rowBytes + 2L * col;
			for (int i = 0; i < length; i++) {
				out[t * length + i] = Float.float16ToFloat(cache.data.get(CpuTensor.SHORT, at + 2L * i));
			}
		}
	}

	/** acc[0 …] += a · x[xo …] over {@code length} values. */
	private static void axpy(float a, float[] x, int xo, float[] acc, int length) {
		FloatVector va = FloatVector.broadcast(F, a);
		int i = 0;
		for (int end = F.loopBound(length); i < end; i += F.length()) {
			FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, acc, i)).intoArray(acc, i);
		}
		for (; i < length; i++) {
			acc[i] += a * x[xo + i];
		}
	}

	private static void softmax(float[] values, int size) {
		float max = Float.NEGATIVE_INFINITY;
		for (int i = 0; i < size; i++) {
			max = Math.max(max, values[i]);
		}
		float sum = 0;
		for (int i = 0; i < size; i++) {
			float e = (float) Math.exp(values[i] - max);
			values[i] = e;
			sum += e;
		}
		for (int i = 0; i < size; i++) {
			values[i] /= sum;
		}
	}

	@Override
	public void swiGlu(Tensor gate, Tensor up, Tensor out) {
		Shapes.swiGlu(gate, up, out);
		CpuTensor g = mine("swiGlu", gate), u = mine("swiGlu", up), o = mine("swiGlu", out);
		run(() -> {
			long count = g.bytes() / 4;
			for (long i = 0; i < count; i++) {
				float x = g.data.getAtIndex(CpuTensor.FLOAT, i);
				o.data.setAtIndex(CpuTensor.FLOAT, i, x / (1f + (float) Math.exp(-x)) * u.data.getAtIndex(CpuTensor.FLOAT, i));
			}
		});
	}

	@Override
	public void activation(Activation f, Tensor x, Tensor out) {
		Shapes.activation(x, out);
		CpuTensor in = mine("activation", x), o = mine("activation", out);
		run(() -> {
			long count = in.bytes() / 4;
			for (long i = 0; i < count; i++) {
				o.data.setAtIndex(CpuTensor.FLOAT, i, apply(f, in.data.getAtIndex(CpuTensor.FLOAT, i)));
			}
		});
	}

	static float apply(Activation f, float x) {
		return switch (f) {
		case SILU -> x / (1f + (float) Math.exp(-x));
		case GELU -> gelu(x);
		case QUICK_GELU -> x / (1f + (float) Math.exp(-1.702 * x));
		};
	}

	/**
	 * x·Φ(x) = x/2 · erfc(−x/√2), erfc by its Chebyshev fit (fractional error below 1.2e-7 everywhere), so the
	 * negative tail keeps its relative precision.
	 */
	static float gelu(float x) {
		double z = -x / Math.sqrt(2);
		double a = Math.abs(z);
		double t = 1 / (1 + 0.5 * a);
		double erfc = t * Math.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
				+ t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
		return (float) (0.5 * x * (z >= 0 ? erfc : 2 - erfc));
	}

	@Override
	public void geglu(Tensor x, Tensor out) {
		Shapes.geglu(x, out);
		CpuTensor in = mine("geglu", x), o = mine("geglu", out);
		run(() -> {
			int d = o.cols();
			float[] half = new float[d];
			eachRow(in, (r, row) -> {
				for (int i = 0; i < d; i++) {
					half[i] = row[i] * gelu(row[d + i]);
				}
				o.writeRow(r, half);
			});
		});
	}

	@Override
	public void linear(Tensor weights, Tensor bias, Tensor x, Tensor out) {
		Shapes.linear(weights, bias, x, out);
		CpuTensor w = mine("linear", weights), in = mine("linear", x), o = mine("linear", out);
		CpuTensor b = bias == null ? null : mine("linear", bias);
		Packed regrouped = packed.get(w);
		run(() -> {
			matmul(w.weights(), regrouped == null ? null : regrouped.data(), in, o);
			if (b != null) {
				float[] add = parameter(b);
				eachRow(o, (r, row) -> {
					for (int i = 0; i < row.length; i++) {
						row[i] += add[i];
					}
					o.writeRow(r, row);
				});
			}
		});
	}

	/** A one-row parameter (bias, norm scale) of F32, F16 or BF16 as floats. */
	private static float[] parameter(CpuTensor t) {
		float[] values = new float[t.cols()];
		t.weights().row(0, values);
		return values;
	}

	/** Every value of an F32 tensor, row after row. */
	private static float[] floats(CpuTensor t) {
		float[] values = new float[t.rows() * t.cols()];
		MemorySegment.copy(t.data, CpuTensor.FLOAT, 0, values, 0, values.length);
		return values;
	}

	@Override
	public void layerNorm(Tensor x, Tensor weight, Tensor bias, float eps, Tensor out) {
		Shapes.layerNorm(x, weight, bias, out);
		CpuTensor in = mine("layerNorm", x), w = mine("layerNorm", weight), b = mine("layerNorm", bias), o = mine("layerNorm", out);
		run(() -> {
			float[] scale = parameter(w);
			float[] shift = parameter(b);
			int cols = in.cols();
			eachRow(in, (r, row) -> {
				double sum = 0;
				for (float v : row) {
					sum += v;
				}
				double mean = sum / cols;
				double ss = 0;
				for (float v : row) {
					ss += (v - mean) * (v - mean);
				}
				double inv = 1 / Math.sqrt(ss / cols + eps);
				for (int i = 0; i < cols; i++) {
					row[i] = (float) ((row[i] - mean) * inv) * scale[i] + shift[i];
				}
				o.writeRow(r, row);
			});
		});
	}

	@Override
	public void groupNorm(Tensor x, int batch, int groups, Tensor weight, Tensor bias, float eps, boolean silu, Tensor out) {
		Shapes.groupNorm(x, batch, groups, weight, bias, out);
		CpuTensor w = mine("groupNorm", weight), b = mine("groupNorm", bias);
		int pixels = x.rows() / batch;
		for (int i = 0; i < batch; i++) {
			CpuTensor in = mine("groupNorm", x.rows(i * pixels, pixels)), o = mine("groupNorm", out.rows(i * pixels, pixels));
			run(() -> groupNorm(in, groups, w, b, eps, silu, o));
		}
	}

	/** One image's: statistics over all its pixels. */
	private void groupNorm(CpuTensor in, int groups, CpuTensor w, CpuTensor b, float eps, boolean silu, CpuTensor o) {
		float[] scale = parameter(w);
		float[] shift = parameter(b);
		float[] v = floats(in);
		int cols = in.cols();
		int per = cols / groups;
		int pixels = in.rows();
		// per channel then per group in doubles: the mean first, then the squared deviations from it
		double[] mean = new double[groups];
		for (int p = 0; p < pixels; p++) {
			for (int c = 0; c < cols; c++) {
				mean[c / per] += v[p * cols + c];
			}
		}
		double count = (double) pixels * per;
		for (int g = 0; g < groups; g++) {
			mean[g] /= count;
		}
		double[] var = new double[groups];
		for (int p = 0; p < pixels; p++) {
			for (int c = 0; c < cols; c++) {
				double d = v[p * cols + c] - mean[c / per];
				var[c / per] += d * d;
			}
		}
		float[] a = new float[cols];
		float[] m = new float[cols];
		for (int c = 0; c < cols; c++) {
			int g = c / per;
			a[c] = (float) (1 / Math.sqrt(var[g] / count + eps));
			m[c] = (float) mean[g];
		}
		for (int p = 0; p < pixels; p++) {
			for (int c = 0; c < cols; c++) {
				float y = (v[p * cols + c] - m[c]) * a[c] * scale[c] + shift[c];
				v[p * cols + c] = silu ? y / (1f + (float) Math.exp(-y)) : y;
			}
		}
		MemorySegment.copy(v, 0, o.data, CpuTensor.FLOAT, 0, v.length);
	}

	@Override
	public void conv2d(Tensor x, int batch, int height, int width, Tensor weight, Tensor bias, int kernel, int stride, int padding, Tensor out) {
		Shapes.conv2d(x, batch, height, width, weight, bias, kernel, stride, padding, out);
		CpuTensor w = mine("conv2d", weight);
		CpuTensor b = bias == null ? null : mine("conv2d", bias);
		int inPixels = height * width;
		int outPixels = out.rows() / batch;
		for (int i = 0; i < batch; i++) {
			CpuTensor in = mine("conv2d", x.rows(i * inPixels, inPixels)), o = mine("conv2d", out.rows(i * outPixels, outPixels));
			run(() -> conv2d(in, height, width, w, b, kernel, stride, padding, o));
		}
	}

	/**
	 * Per output image row (split among the workers): each pixel's receptive field gathered in the weights' [in][ky][kx]
	 * order, then a float dot product with every output channel's weights, dequantised once per call.
	 */
	private void conv2d(CpuTensor x, int height, int width, CpuTensor weight, CpuTensor bias, int kernel, int stride, int padding, CpuTensor out) {
		int inC = x.cols();
		int outC = weight.rows();
		int k2 = kernel * kernel;
		int patchLength = inC * k2;
		int outH = Shapes.convOut(height, kernel, stride, padding);
		int outW = Shapes.convOut(width, kernel, stride, padding);
		float[] in = floats(x);
		float[] w = new float[outC * patchLength];
		float[] row = new float[patchLength];
		Weights weights = weight.weights();
		for (int o = 0; o < outC; o++) {
			weights.row(o, row);
			System.arraycopy(row, 0, w, o * patchLength, patchLength);
		}
		float[] shift = bias == null ? new float[outC] : parameter(bias);
		long work = (long) outH * outW * outC * patchLength;
		int chunks = pool == null || work < PARALLEL_WORK ? 1 : Math.min(outH, threads * 2);
		parallel(chunks, chunk -> {
			float[] patches = new float[outW * patchLength];
			float[] result = new float[outW * outC];
			for (int oy = chunk * outH / chunks, end = (chunk + 1) * outH / chunks; oy < end; oy++) {
				for (int ox = 0; ox < outW; ox++) {
					int base = ox * patchLength;
					for (int ky = 0; ky < kernel; ky++) {
						int iy = oy * stride + ky - padding;
						for (int kx = 0; kx < kernel; kx++) {
							int ix = ox * stride + kx - padding;
							boolean inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
							int from = (iy * width + ix) * inC;
							for (int c = 0; c < inC; c++) {
								patches[base + c * k2 + ky * kernel + kx] = inside ? in[from + c] : 0f;
							}
						}
					}
					for (int o = 0; o < outC; o++) {
						result[ox * outC + o] = dot(w, o * patchLength, patches, base, patchLength) + shift[o];
					}
				}
				MemorySegment.copy(result, 0, out.data, CpuTensor.FLOAT, (long) oy * outW * out.rowBytes(), outW * outC);
			}
		});
	}

	@Override
	public void multiHeadAttention(Tensor q, Tensor k, Tensor v, int batch, int heads, boolean causal, Tensor out) {
		Shapes.multiHeadAttention(q, k, v, batch, heads, causal, out);
		int n = q.rows() / batch;
		int m = k.rows() / batch;
		for (int i = 0; i < batch; i++) {
			CpuTensor query = mine("multiHeadAttention", q.rows(i * n, n)), key = mine("multiHeadAttention", k.rows(i * m, m));
			CpuTensor value = mine("multiHeadAttention", v.rows(i * m, m)), o = mine("multiHeadAttention", out.rows(i * n, n));
			run(() -> multiHeadAttention(query, key, value, heads, causal, o));
		}
	}

	/** A row of queries at a time per head: its scores over the keys, softmax, the weighted sum of the values. */
	private void multiHeadAttention(CpuTensor q, CpuTensor k, CpuTensor v, int heads, boolean causal, CpuTensor out) {
		int n = q.rows();
		int m = k.rows();
		int cols = q.cols();
		int d = cols / heads;
		float[] qf = floats(q);
		float[] kf = floats(k);
		float[] vf = floats(v);
		float[] result = new float[n * cols];
		float scale = (float) (1.0 / Math.sqrt(d));
		long work = 2L * n * m * cols;
		int rowChunks = pool == null || work < PARALLEL_WORK ? 1 : Math.max(1, Math.min(n, 2 * threads));
		parallel(heads * rowChunks, task -> {
			int h = task % heads;
			int chunk = task / heads;
			float[] scores = new float[m];
			float[] acc = new float[d];
			for (int r = chunk * n / rowChunks, end = (chunk + 1) * n / rowChunks; r < end; r++) {
				int keys = causal ? r + 1 : m;
				for (int t = 0; t < keys; t++) {
					scores[t] = dot(qf, r * cols + h * d, kf, t * cols + h * d, d) * scale;
				}
				softmax(scores, keys);
				Arrays.fill(acc, 0f);
				for (int t = 0; t < keys; t++) {
					axpy(scores[t], vf, t * cols + h * d, acc, d);
				}
				System.arraycopy(acc, 0, result, r * cols + h * d, d);
			}
		});
		MemorySegment.copy(result, 0, out.data, CpuTensor.FLOAT, 0, result.length);
	}

	@Override
	public void upsampleNearest2x(Tensor x, int height, int width, Tensor out) {
		Shapes.upsampleNearest2x(x, height, width, out);
		CpuTensor in = mine("upsampleNearest2x", x), o = mine("upsampleNearest2x", out);
		run(() -> eachRow(in, (p, row) -> {
			int y = p / width;
			int xx = p % width;
			for (int dy = 0; dy < 2; dy++) {
				for (int dx = 0; dx < 2; dx++) {
					o.writeRow((2 * y + dy) * 2 * width + 2 * xx + dx, row);
				}
			}
		}));
	}

	@Override
	public void pad(Tensor x, int height, int width, int top, int bottom, int left, int right, Tensor out) {
		Shapes.pad(x, height, width, top, bottom, left, right, out);
		CpuTensor in = mine("pad", x), o = mine("pad", out);
		run(() -> {
			o.data.fill((byte) 0);
			int outWidth = width + left + right;
			for (int y = 0; y < height; y++) {
				long from = (long) y * width * in.rowBytes();
				long to = ((long) (y + top) * outWidth + left) * o.rowBytes();
				MemorySegment.copy(in.data, from, o.data, to, width * in.rowBytes());
			}
		});
	}

	@Override
	public void concatColumns(Tensor a, Tensor b, Tensor out) {
		Shapes.concatColumns(a, b, out);
		CpuTensor x = mine("concatColumns", a), y = mine("concatColumns", b), o = mine("concatColumns", out);
		run(() -> {
			for (int r = 0; r < o.rows(); r++) {
				MemorySegment.copy(x.data, r * x.rowBytes(), o.data, r * o.rowBytes(), x.rowBytes());
				MemorySegment.copy(y.data, r * y.rowBytes(), o.data, r * o.rowBytes() + x.rowBytes(), y.rowBytes());
			}
		});
	}

	@Override
	public void timestepEmbedding(Tensor timesteps, Tensor out) {
		Shapes.timestepEmbedding(timesteps, out);
		CpuTensor t = mine("timestepEmbedding", timesteps), o = mine("timestepEmbedding", out);
		run(() -> {
			int half = o.cols() / 2;
			float[] row = new float[o.cols()];
			float logPeriod = (float) -Math.log(10000);
			for (int r = 0; r < o.rows(); r++) {
				float time = t.getFloat(0, r);
				for (int j = 0; j < half; j++) {
					// float32 steps as diffusers takes them: the exponent, its exp, the product with t
					float frequency = (float) Math.exp(logPeriod * j / half);
					float angle = time * frequency;
					row[j] = (float) Math.cos(angle);
					row[half + j] = (float) Math.sin(angle);
				}
				o.writeRow(r, row);
			}
		});
	}

	@Override
	public void argmax(Tensor values, Tensor out) {
		Shapes.argmax(values, out);
		CpuTensor v = mine("argmax", values), o = mine("argmax", out);
		run(() -> {
			for (int r = 0; r < v.rows(); r++) {
				int best = 0;
				float max = v.getFloat(r, 0);
				for (int i = 1; i < v.cols(); i++) {
					float x = v.getFloat(r, i);
					if (x > max) {
						max = x;
						best = i;
					}
				}
				o.data.setAtIndex(CpuTensor.INT, r, best);
			}
		});
	}

	@Override
	public void topK(Tensor row, int k, Tensor values, Tensor indices) {
		Shapes.topK(row, k, values, indices);
		CpuTensor in = mine("topK", row), v = mine("topK", values), ix = mine("topK", indices);
		run(() -> {
			// insertion into a sorted list of the best k: larger first, an equal value after those already kept (lower index)
			float[] best = new float[k];
			int[] at = new int[k];
			int kept = 0;
			for (int i = 0; i < in.cols(); i++) {
				float x = in.getFloat(0, i);
				if (kept == k && !(x > best[k - 1])) {
					continue;
				}
				int j = Math.min(kept, k - 1);
				while (j > 0 && x > best[j - 1]) {
					best[j] = best[j - 1];
					at[j] = at[j - 1];
					j--;
				}
				best[j] = x;
				at[j] = i;
				kept = Math.min(k, kept + 1);
			}
			MemorySegment.copy(best, 0, v.data, CpuTensor.FLOAT, 0, k);
			MemorySegment.copy(at, 0, ix.data, CpuTensor.INT, 0, k);
		});
	}

	@Override
	public void copy(Tensor source, Tensor target) {
		Shapes.copy(source, target);
		CpuTensor s = mine("copy", source), t = mine("copy", target);
		run(() -> MemorySegment.copy(s.data, 0, t.data, 0, s.bytes()));
	}

	@Override
	public Graph capture(Runnable work) {
		checkNotCapturing("capture");
		List<Runnable> ops = new ArrayList<>();
		Map<Long, ArrayDeque<Freed>> freed = new HashMap<>();
		recording = ops;
		freedInCapture = freed;
		try {
			work.run();
		} catch (RuntimeException | Error e) {
			recording = null;
			freedInCapture = null;
			freed.values().forEach(memory -> memory.forEach(f -> close(f.release())));
			throw e;
		}
		recording = null;
		freedInCapture = null;
		List<Freed> held = freed.values().stream().flatMap(ArrayDeque::stream).toList();
		heldByGraphs.addAll(held);
		List<Runnable> steps = List.copyOf(ops);
		return new Graph() {
			@Override
			public void replay() {
				steps.forEach(CpuCompute.this::run);
			}

			private boolean closed;

			@Override
			public void close() {
				if (!closed) {
					closed = true;
					held.stream().filter(heldByGraphs::remove).forEach(f -> CpuCompute.close(f.release()));
				}
			}
		};
	}

	@Override
	public void synchronize() {
		// every operation has finished when it returns
	}

	@Override
	public void close() {
		List.copyOf(owned).forEach(CpuTensor::close);
		List.copyOf(heldByGraphs).stream().filter(heldByGraphs::remove).forEach(f -> close(f.release()));
		if (pool != null) {
			pool.close();
		}
	}

	private void parallel(int tasks, IntConsumer task) {
		if (tasks == 1 || pool == null) {
			for (int i = 0; i < tasks; i++) {
				task.accept(i);
			}
			return;
		}
		pool.run(tasks, task);
	}

	/** Per worker thread, the attention's float copies of a head's cache, reused. */
	private static final class Scratch {
		float[] keys = new float[0];
		float[] values = new float[0];
		float[] scores = new float[0];
		float[] row = new float[0];
		float[] acc = new float[0];

		static float[] grow(float[] have, int length) {
			return have.length >= length ? have : new float[Math.max(length, have.length * 2)];
		}
	}
}
