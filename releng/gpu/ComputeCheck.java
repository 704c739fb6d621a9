import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Compute.Activation;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.compute.internal.cpu.CpuCompute;
import dev.atelier.compute.internal.cuda.CudaCompute;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.Quantize;

/**
 * Runs every operation of the compute runtime's CUDA backend on cuda:0, for every weight type, against a scalar
 * reference on the CPU (weights encoded by the LLM's GGUF code, dequantised by the CPU backend), and prints the relative RMS error of
 * each; then times decode GEMVs of 4096 × 4096 and 14336 × 4096 matrices of each type against the device's memory
 * bandwidth. Without OSGi (see compute-check.sh). Exits 1 when an error is beyond its tolerance.
 */
public final class ComputeCheck {

	private static final List<TensorType> WEIGHTS = List.of(TensorType.F32, TensorType.F16, TensorType.BF16, TensorType.Q8_0, TensorType.Q4_0,
			TensorType.Q4_K, TensorType.Q5_K, TensorType.Q6_K);
	/** Exact up to float summation order. */
	private static final double EXACT = 1e-5;
	/** Activations rounded to F16 on tensor cores, or to 8 bits for the quantised GEMVs. */
	private static final double ROUNDED = 1e-2;
	private static final List<String> failures = new ArrayList<>();
	private static final Random random = new Random(42);
	private static final Arena arena = Arena.ofAuto();
	/** The CPU backend, which dequantises the weights the GPU must read. */
	private static Compute cpu;

	public static void main(String[] args) throws Exception {
		if (args.length == 2 && args[0].equals("emulate")) {
			emulate(Path.of(args[1]));
			return;
		}
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		CudaDevices cuda = new CudaDevices();
		registry.addProvider(cuda);
		registry.addProvider(new CpuDevice());
		DeviceService service = BundleDeviceService.forBundle(registry, "compute-check");
		Device gpu = service.device("cuda:0").orElseThrow(() -> new IllegalStateException("no cuda:0"));
		System.out.printf(Locale.ROOT, "%s %s, compute %s, peak memory bandwidth %.0f GB/s%n", gpu.id(), gpu.name(), gpu.computeCapability(),
				gpu.peakMemoryBandwidth() / 1e9);
		System.out.println("describe: " + CudaCompute.describe(gpu));
		try (VramLease lease = service.acquire("cuda:0", LeaseRequest.of("compute check", 20_000_000_000L)); VramLease.Use use = lease.use();
				ComputeContext context = service.openContext(lease);
				VramLease hostLease = service.acquire("cpu", LeaseRequest.of("compute check reference", 1L << 30));
				ComputeContext host = service.openContext(hostLease)) {
			cpu = new CpuCompute(host, Runtime.getRuntime().availableProcessors());
			try (Compute own = CudaCompute.openWithoutCublas(context)) {
				System.out.println("== " + own.description());
				operations(own);
				for (TensorType type : WEIGHTS) {
					weights(own, type);
				}
				matmuls(own);
				quantisedByWriter(own);
				diffusionOperations(own);
			}
			try (Compute withCublas = CudaCompute.open(context)) {
				if (withCublas.description().contains("cuBLAS")) {
					System.out.println("== " + withCublas.description());
					for (TensorType type : WEIGHTS) {
						batched(withCublas, type, 77, 96, 512);
					}
					diffusionOperations(withCublas);
				} else {
					System.out.println("== no cuBLAS on this host: " + CudaCompute.describe(gpu));
				}
				System.out.println("== decode GEMV bandwidth (graph of matmuls over copies that do not fit the L2 cache)");
				for (TensorType type : WEIGHTS) {
					bandwidth(withCublas, type, 4096, 4096);
					bandwidth(withCublas, type, 14336, 4096);
				}
			}
		}
		registry.shutdown();
		cuda.close();
		System.out.println(failures.isEmpty() ? "COMPUTE CHECK PASSED" : "COMPUTE CHECK FAILED: " + failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	/**
	 * Where there is no GPU: compute.cu's weight decoding compiled for the host (compute_emulate.cu) against the CPU
	 * backend on the same bytes, for each weight type: value<T> (get_rows, the tensor-core tiles, cuBLAS's F16 operand)
	 * exactly, and the decode GEMV's lanes exactly against x as they read it (for the quantised types, as quantize_x
	 * leaves it), the rows cut into three matrices as one launch of matmuls takes them; rms_norm and rope_store (the
	 * fused addRmsNorm and ropeAndCache, and the plain rmsNorm, rope and setRows) against the CPU backend's operations.
	 */
	private static void emulate(Path emulator) throws Exception {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		registry.addProvider(new CpuDevice());
		DeviceService service = BundleDeviceService.forBundle(registry, "compute-check");
		Path work = Files.createTempDirectory("compute-emulate");
		try (VramLease lease = service.acquire("cpu", LeaseRequest.of("compute check reference", 1L << 30)); ComputeContext host = service.openContext(lease)) {
			cpu = new CpuCompute(host, Runtime.getRuntime().availableProcessors());
			int rows = 24;
			int cols = 4864; // 19 super-blocks: every GEMV takes its unrolled rounds and its tail
			for (TensorType type : WEIGHTS) {
				Weights w = weights(type, rows, cols);
				float[][] x = randomRows(1, cols, 1f);
				Path stored = work.resolve("w.bin");
				Path xs = work.resolve("x.bin");
				Path out = work.resolve("out.bin");
				Files.write(stored, w.stored().toArray(ValueLayout.JAVA_BYTE));
				Files.write(xs, segment(x).toArray(ValueLayout.JAVA_BYTE));
				Process p = new ProcessBuilder(emulator.toString(), Integer.toString(WEIGHTS.indexOf(type)), Integer.toString(rows), Integer.toString(cols),
						stored.toString(), xs.toString(), out.toString()).inheritIO().start();
				if (p.waitFor() != 0) {
					throw new IllegalStateException(emulator + " failed on " + type);
				}
				float[] got = MemorySegment.ofArray(Files.readAllBytes(out)).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
				float[][] values = new float[rows][];
				for (int r = 0; r < rows; r++) {
					values[r] = Arrays.copyOfRange(got, r * cols, (r + 1) * cols);
				}
				report("emulated value<T>", type, values, w.values(), EXACT);
				float[][] quantisedX = { Arrays.copyOfRange(got, rows * cols + rows, rows * cols + rows + cols) };
				report("emulated gemv", type, new float[][] { Arrays.copyOfRange(got, rows * cols, rows * cols + rows) }, reference(w.values(), quantisedX),
						EXACT);
				if (type.quantised()) {
					report("emulated quantize_x", type, quantisedX, x, ROUNDED);
				}
			}
			emulateNorm(emulator, work);
			emulateRope(emulator, work);
		} finally {
			try (var files = Files.list(work)) {
				for (Path f : files.toList()) {
					Files.delete(f);
				}
			}
			Files.delete(work);
			registry.shutdown();
		}
		System.out.println(failures.isEmpty() ? "COMPUTE EMULATION PASSED" : "COMPUTE EMULATION FAILED: " + failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	/** rms_norm's passes (the residual step and the plain norm) against the CPU backend's add and rmsNorm. */
	private static void emulateNorm(Path emulator, Path work) throws Exception {
		int rows = 3;
		int cols = 2048;
		float[][] a = randomRows(rows, cols, 1f);
		float[][] b = randomRows(rows, cols, 1f);
		float[][] weight = randomRows(1, cols, 1f);
		float[] got = run(emulator, work, List.of("norm", rows, cols, 1e-5f), segment(a), segment(b), segment(weight));
		Tensor at = floats(cpu, a);
		Tensor sum = cpu.allocate(TensorType.F32, rows, cols);
		Tensor out = cpu.allocate(TensorType.F32, rows, cols);
		Tensor w = floats(cpu, weight);
		cpu.add(at, floats(cpu, b), sum);
		cpu.rmsNorm(sum, w, 1e-5f, out);
		report("emulated rms_norm: a + b", null, slice(got, 0, rows, cols), read(sum), EXACT);
		report("emulated rms_norm: rmsNorm(a + b)", null, slice(got, rows * cols, rows, cols), read(out), EXACT * 10);
		cpu.rmsNorm(at, w, 1e-5f, out);
		report("emulated rms_norm: rmsNorm(a)", null, slice(got, 2 * rows * cols, rows, cols), read(out), EXACT * 10);
	}

	/** rope_store (q and k rotated, k and v stored, F16 and F32 caches) against the CPU backend's rope and setRows. */
	private static void emulateRope(Path emulator, Path work) throws Exception {
		int rows = 3;
		int heads = 8;
		int kvHeads = 2;
		int hs = 64;
		int cacheRows = 16;
		int[] positions = { 0, 5, 15 };
		float[][] q = randomRows(rows, heads * hs, 1f);
		float[][] k = randomRows(rows, kvHeads * hs, 1f);
		float[][] v = randomRows(rows, kvHeads * hs, 1f);
		float[][] freq = { frequencies(hs) };
		for (boolean neox : new boolean[] { false, true }) {
			float[] got = run(emulator, work, List.of("rope", rows, heads * hs, kvHeads * hs, hs, neox ? 1 : 0, cacheRows), segment(q), segment(k), segment(v),
					MemorySegment.ofArray(positions), segment(freq));
			Tensor qt = floats(cpu, q);
			Tensor kt = floats(cpu, k);
			Tensor pos = ints(cpu, positions);
			Tensor ft = floats(cpu, freq);
			cpu.rope(qt, pos, ft, hs, neox);
			cpu.rope(kt, pos, ft, hs, neox);
			String order = neox ? " neox" : "";
			report("emulated rope_store: q" + order, null, slice(got, 0, rows, heads * hs), read(qt), 1e-4);
			report("emulated rope_store: k" + order, null, slice(got, rows * heads * hs, rows, kvHeads * hs), read(kt), 1e-4);
			int at = rows * (heads + kvHeads) * hs;
			for (TensorType cacheType : List.of(TensorType.F16, TensorType.F32)) {
				for (Tensor stored : List.of(kt, floats(cpu, v))) {
					Tensor cache = cpu.allocate(cacheType, cacheRows, kvHeads * hs);
					cache.write(arena.allocate(cache.bytes()));
					cpu.setRows(stored, pos, cache);
					report("emulated rope_store: " + (stored == kt ? "keys " : "values ") + cacheType + order, null, slice(got, at, cacheRows, kvHeads * hs),
							read(cache), 1e-3);
					at += cacheRows * kvHeads * hs;
				}
			}
		}
	}

	/** Runs the emulator's mode with its arguments and input files; its output as floats. */
	private static float[] run(Path emulator, Path work, List<Object> arguments, MemorySegment... inputs) throws Exception {
		List<String> command = new ArrayList<>(List.of(emulator.toString()));
		arguments.forEach(a -> command.add(a.toString()));
		boolean oneInput = arguments.get(0).equals("rope");
		if (oneInput) {
			long bytes = 0;
			for (MemorySegment in : inputs) {
				bytes += in.byteSize();
			}
			MemorySegment all = arena.allocate(bytes);
			long at = 0;
			for (MemorySegment in : inputs) {
				MemorySegment.copy(in, 0, all, at, in.byteSize());
				at += in.byteSize();
			}
			inputs = new MemorySegment[] { all };
		}
		for (int i = 0; i < inputs.length; i++) {
			Path file = work.resolve("in" + i + ".bin");
			Files.write(file, inputs[i].toArray(ValueLayout.JAVA_BYTE));
			command.add(file.toString());
		}
		Path out = work.resolve("out.bin");
		command.add(out.toString());
		if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
			throw new IllegalStateException(emulator + " failed: " + command);
		}
		return MemorySegment.ofArray(Files.readAllBytes(out)).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
	}

	private static float[][] slice(float[] values, int from, int rows, int cols) {
		float[][] out = new float[rows][];
		for (int r = 0; r < rows; r++) {
			out[r] = Arrays.copyOfRange(values, from + r * cols, from + (r + 1) * cols);
		}
		return out;
	}

	private static float[] frequencies(int hs) {
		float[] freq = new float[hs / 2];
		for (int j = 0; j < hs / 2; j++) {
			freq[j] = (float) Math.pow(10000, -2.0 * j / hs);
		}
		return freq;
	}

	// ---- weights: get_rows, GEMV (one and a few rows), batched matmul ----------------------------------------------------

	private static void weights(Compute compute, TensorType type) {
		int cols = 1024;
		int rows = 96;
		Weights weights = weights(type, rows, cols);
		float[][] w = weights.values();
		Tensor table = compute.upload(type, rows, cols, weights.stored());
		int[] ids = { 3, 0, 95, 17, 3 };
		Tensor idT = ints(compute, ids);
		Tensor out = compute.allocate(TensorType.F32, ids.length, cols);
		compute.getRows(table, idT, out);
		float[][] expected = new float[ids.length][];
		for (int i = 0; i < ids.length; i++) {
			expected[i] = w[ids[i]];
		}
		report("getRows", type, read(out), expected, EXACT);
		for (int n : new int[] { 1, 5 }) {
			float[][] x = randomRows(n, cols, 1f);
			report("matmul gemv n=" + n, type, matmul(compute, table, x), reference(w, x), type.quantised() ? ROUNDED : EXACT);
		}
		batched(compute, type, 77, rows, cols);
		if (!type.quantised()) { // rows of 12 values break 16-byte loads: the value-at-a-time GEMV
			Weights small = weights(type, 33, 12);
			float[][] x = randomRows(1, 12, 1f);
			report("matmul gemv cols=12", type, matmul(compute, compute.upload(type, 33, 12, small.stored()), x), reference(small.values(), x),
					EXACT);
		}
		table.close();
	}

	private static void batched(Compute compute, TensorType type, int n, int rows, int cols) {
		Weights w = weights(type, rows, cols);
		float[][] x = randomRows(n, cols, 1f);
		try (Tensor t = compute.upload(type, rows, cols, w.stored())) {
			report("matmul batch n=" + n, type, matmul(compute, t, x), reference(w.values(), x), ROUNDED);
		}
	}

	private static float[][] matmul(Compute compute, Tensor w, float[][] x) {
		Tensor xt = floats(compute, x);
		Tensor out = compute.allocate(TensorType.F32, x.length, w.rows());
		compute.matmul(w, xt, out);
		float[][] result = read(out);
		xt.close();
		out.close();
		return result;
	}

	private static float[][] reference(float[][] w, float[][] x) {
		float[][] out = new float[x.length][w.length];
		for (int i = 0; i < x.length; i++) {
			for (int r = 0; r < w.length; r++) {
				double s = 0;
				for (int c = 0; c < x[i].length; c++) {
					s += (double) w[r][c] * x[i][c];
				}
				out[i][r] = (float) s;
			}
		}
		return out;
	}

	/** Weights as a type stores them and their values as the CPU backend dequantises those very bytes. */
	private record Weights(MemorySegment stored, float[][] values) {
	}

	/**
	 * Random weights of a type. The GPU must get the same bytes the CPU dequantised: encoding the dequantised values
	 * again is not exact for every type (our Q5_K and Q6_K encoders pick other scales for values already on a grid).
	 */
	private static Weights weights(TensorType type, int rows, int cols) {
		MemorySegment data = encoded(type, randomRows(rows, cols, 0.5f));
		int[] all = new int[rows];
		Arrays.setAll(all, i -> i);
		try (Tensor table = cpu.upload(type, rows, cols, data); Tensor ids = ints(cpu, all); Tensor out = cpu.allocate(TensorType.F32, rows, cols)) {
			cpu.getRows(table, ids, out);
			return new Weights(data, read(out));
		}
	}

	private static MemorySegment encoded(TensorType type, float[][] rows) {
		float[] all = new float[rows.length * rows[0].length];
		for (int r = 0; r < rows.length; r++) {
			System.arraycopy(rows[r], 0, all, r * rows[0].length, rows[0].length);
		}
		byte[] bytes = Quantize.encode(GgmlType.valueOf(type.name()), all);
		return arena.allocate(bytes.length, 16).copyFrom(MemorySegment.ofArray(bytes));
	}

	// ---- every other operation ----------------------------------------------------------------------------------------

	private static void operations(Compute compute) {
		float[][] a = randomRows(7, 300, 1f);
		float[][] b = randomRows(7, 300, 1f);
		float[][] bias = randomRows(1, 300, 1f);
		Tensor at = floats(compute, a);
		Tensor out = compute.allocate(TensorType.F32, 7, 300);
		compute.add(at, floats(compute, b), out);
		report("add", null, read(out), map2(a, b, Float::sum), EXACT);
		compute.add(at, floats(compute, bias), out);
		report("add bias", null, read(out), map2(a, broadcast(bias[0], 7), Float::sum), EXACT);
		compute.swiGlu(at, floats(compute, b), out);
		report("swiGlu", null, read(out), map2(a, b, (g, u) -> (float) (g / (1 + Math.exp(-g)) * u)), EXACT * 10);
		float[][] norm = new float[7][300];
		for (int i = 0; i < 7; i++) {
			double ss = 0;
			for (float v : a[i]) {
				ss += v * v;
			}
			double scale = 1 / Math.sqrt(ss / 300 + 1e-5);
			for (int j = 0; j < 300; j++) {
				norm[i][j] = (float) (a[i][j] * scale * bias[0][j]);
			}
		}
		compute.rmsNorm(at, floats(compute, bias), 1e-5f, out);
		report("rmsNorm", null, read(out), norm, EXACT * 10);
		Tensor copy = compute.allocate(TensorType.F32, 7, 300);
		compute.copy(at, copy);
		report("copy", null, read(copy), a, 0);
		rope(compute, false);
		rope(compute, true);
		attentions(compute);
		decodeGraph(compute);
		argmaxAndTopK(compute);
		fused(compute);
	}

	/** addRmsNorm and ropeAndCache (one kernel each) against the separate operations on the same device. */
	private static void fused(Compute compute) {
		// 5000 values: more than rms_norm's block holds in registers
		for (int cols : new int[] { 2048, 5000 }) {
			float[][] a = randomRows(3, cols, 1f);
			float[][] b = randomRows(3, cols, 1f);
			float[][] w = randomRows(1, cols, 1f);
			Tensor weight = floats(compute, w);
			Tensor x = floats(compute, a);
			Tensor delta = floats(compute, b);
			Tensor sum = floats(compute, a);
			Tensor normed = compute.allocate(TensorType.F32, 3, cols);
			compute.add(sum, delta, sum);
			compute.rmsNorm(sum, weight, 1e-5f, normed);
			compute.addRmsNorm(x, delta, weight, 1e-5f, x, delta); // as a layer calls it
			report("addRmsNorm cols=" + cols + ": the sum", null, read(x), read(sum), 0);
			report("addRmsNorm cols=" + cols + ": the norm", null, read(delta), read(normed), EXACT);
			float[][] reference = new float[3][cols];
			for (int i = 0; i < 3; i++) {
				double squares = 0;
				for (int j = 0; j < cols; j++) {
					squares += (double) (a[i][j] + b[i][j]) * (a[i][j] + b[i][j]);
				}
				double scale = 1 / Math.sqrt(squares / cols + 1e-5);
				for (int j = 0; j < cols; j++) {
					reference[i][j] = (float) ((a[i][j] + b[i][j]) * scale * w[0][j]);
				}
			}
			report("rmsNorm cols=" + cols, null, read(normed), reference, EXACT * 10);
		}
		int heads = 8;
		int kvHeads = 2;
		int hs = 64;
		float[][] q = randomRows(3, heads * hs, 1f);
		float[][] k = randomRows(3, kvHeads * hs, 1f);
		Tensor v = floats(compute, randomRows(3, kvHeads * hs, 1f));
		Tensor positions = ints(compute, new int[] { 0, 9, 31 });
		Tensor freq = floats(compute, new float[][] { frequencies(hs) });
		for (TensorType cacheType : List.of(TensorType.F16, TensorType.F32)) {
			List<List<Tensor>> both = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				Tensor keys = compute.allocate(cacheType, 32, kvHeads * hs);
				Tensor values = compute.allocate(cacheType, 32, kvHeads * hs);
				keys.write(arena.allocate(keys.bytes()));
				values.write(arena.allocate(values.bytes()));
				both.add(List.of(floats(compute, q), floats(compute, k), keys, values));
			}
			List<Tensor> fused = both.get(0);
			List<Tensor> apart = both.get(1);
			compute.ropeAndCache(fused.get(0), fused.get(1), v, positions, freq, hs, cacheType == TensorType.F32, fused.get(2), fused.get(3));
			compute.rope(apart.get(0), positions, freq, hs, cacheType == TensorType.F32);
			compute.rope(apart.get(1), positions, freq, hs, cacheType == TensorType.F32);
			compute.setRows(apart.get(1), positions, apart.get(2));
			compute.setRows(v, positions, apart.get(3));
			List<String> names = List.of("q", "k", "keys", "values");
			for (int i = 0; i < 4; i++) {
				report("ropeAndCache " + cacheType + ": " + names.get(i), null, read(fused.get(i)), read(apart.get(i)), 0);
			}
		}
	}

	/** One x by matrices of mixed types (one launch per type) against a matmul each, and against the reference. */
	private static void matmuls(Compute compute) {
		int cols = 1024;
		List<TensorType> types = List.of(TensorType.Q4_K, TensorType.Q4_K, TensorType.Q6_K, TensorType.F16, TensorType.F16, TensorType.F16,
				TensorType.F16);
		int[] rows = { 96, 32, 32, 64, 8, 8, 40 };
		for (int n : new int[] { 1, 3 }) {
			float[][] x = randomRows(n, cols, 1f);
			Tensor xt = floats(compute, x);
			List<Tensor> weights = new ArrayList<>();
			List<Weights> values = new ArrayList<>();
			List<Tensor> outs = new ArrayList<>();
			for (int j = 0; j < types.size(); j++) {
				values.add(weights(types.get(j), rows[j], cols));
				weights.add(compute.upload(types.get(j), rows[j], cols, values.get(j).stored()));
				outs.add(compute.allocate(TensorType.F32, n, rows[j]));
			}
			compute.matmuls(weights, xt, outs);
			for (int j = 0; j < types.size(); j++) {
				String name = "matmuls n=" + n + " #" + j;
				report(name + " vs matmul", types.get(j), read(outs.get(j)), matmul(compute, weights.get(j), x), 0);
				report(name + " vs reference", types.get(j), read(outs.get(j)), reference(values.get(j).values(), x),
						types.get(j).quantised() ? ROUNDED : EXACT);
			}
		}
	}

	/**
	 * x quantised by the rms_norm, swiglu or attention that wrote it (the GEMV then launches no quantize_x) multiplies exactly as
	 * x quantised by quantize_x; a write in between makes the GEMV quantise again.
	 */
	private static void quantisedByWriter(Compute compute) {
		int cols = 2048;
		for (TensorType type : List.of(TensorType.Q4_0, TensorType.Q8_0, TensorType.Q4_K)) {
			Tensor w = compute.upload(type, 64, cols, weights(type, 64, cols).stored());
			for (int n : new int[] { 1, 3 }) {
				Tensor x = floats(compute, randomRows(n, cols, 1f));
				Tensor y = floats(compute, randomRows(n, cols, 1f));
				Tensor out = compute.allocate(TensorType.F32, n, 64);
				compute.addRmsNorm(x, y, floats(compute, randomRows(1, cols, 1f)), 1e-5f, x, y);
				compute.matmul(w, y, out);
				report("matmul after addRmsNorm n=" + n, type, read(out), matmul(compute, w, read(y)), 0);
				compute.rmsNorm(x, floats(compute, randomRows(1, cols, 1f)), 1e-5f, y);
				compute.matmul(w, y, out);
				report("matmul after rmsNorm n=" + n, type, read(out), matmul(compute, w, read(y)), 0);
				compute.swiGlu(x, floats(compute, randomRows(n, cols, 1f)), y);
				compute.matmul(w, y, out);
				report("matmul after swiGlu n=" + n, type, read(out), matmul(compute, w, read(y)), 0);
				// 16 heads of 128 (2048 values a row) over 1000 cached rows: split, the last split combining and quantising
				Tensor keys = compute.allocate(TensorType.F16, 1000, 512);
				Tensor values = compute.allocate(TensorType.F16, 1000, 512);
				Tensor all = ints(compute, java.util.stream.IntStream.range(0, 1000).toArray());
				compute.setRows(floats(compute, randomRows(1000, 512, 1f)), all, keys);
				compute.setRows(floats(compute, randomRows(1000, 512, 1f)), all, values);
				compute.attention(floats(compute, randomRows(n, cols, 1f)), keys, values, ints(compute, java.util.stream.IntStream.range(900, 900 + n)
						.toArray()), 16, 4, y);
				compute.matmul(w, y, out);
				report("matmul after attention n=" + n, type, read(out), matmul(compute, w, read(y)), 0);
				float[][] other = randomRows(n, cols, 1f);
				compute.rmsNorm(x, floats(compute, randomRows(1, cols, 1f)), 1e-5f, y);
				y.write(segment(other));
				compute.matmul(w, y, out);
				report("matmul after rmsNorm, then a write n=" + n, type, read(out), matmul(compute, w, other), 0);
			}
		}
	}

	private static void rope(Compute compute, boolean neox) {
		int heads = 4;
		int hs = 64;
		float[][] x = randomRows(5, heads * hs, 1f);
		int[] positions = { 0, 1, 7, 300, 4095 };
		float[] freq = frequencies(hs);
		float[][] expected = new float[5][];
		for (int i = 0; i < 5; i++) {
			expected[i] = x[i].clone();
			for (int h = 0; h < heads; h++) {
				for (int j = 0; j < hs / 2; j++) {
					int i0 = h * hs + (neox ? j : 2 * j);
					int i1 = i0 + (neox ? hs / 2 : 1);
					double angle = (double) positions[i] * freq[j];
					float c = (float) Math.cos(angle);
					float s = (float) Math.sin(angle);
					expected[i][i0] = x[i][i0] * c - x[i][i1] * s;
					expected[i][i1] = x[i][i0] * s + x[i][i1] * c;
				}
			}
		}
		Tensor xt = floats(compute, x);
		compute.rope(xt, ints(compute, positions), floats(compute, new float[][] { freq }), hs, neox);
		report(neox ? "rope neox" : "rope", null, read(xt), expected, 1e-4);
	}

	/** Rows stored with setRows into a cache of {@code cacheType}, then n queries at positions last − n + 1 … last (causal). */
	/**
	 * Head sizes 64, 128, 256 (in the wide kernel: 4, 2 and 1 keys per warp at once), 80 and 36 (lanes of a key left
	 * idle); 36 and 44 in F16 take the value-at-a-time kernel. Single queries split the keys, so the last split's combine
	 * runs, and the counters it resets serve the next launch.
	 */
	private static void attentions(Compute compute) {
		attention(compute, TensorType.F16, 1, 1000, 700, 128);
		attention(compute, TensorType.F16, 40, 64, 0, 128);
		attention(compute, TensorType.F16, 1, 2000, 1500, 64);
		attention(compute, TensorType.F32, 3, 300, 100, 128);
		attention(compute, TensorType.F32, 1, 500, 300, 256);
		attention(compute, TensorType.F16, 2, 200, 150, 80);
		attention(compute, TensorType.F16, 2, 100, 50, 36);
		attention(compute, TensorType.F32, 1, 100, 60, 36);
		attention(compute, TensorType.F16, 1, 1000, 900, 44);
		attention(compute, TensorType.F16, 1, 1000, 999, 44);
	}

	private static void attention(Compute compute, TensorType cacheType, int n, int cacheRows, int firstPosition, int hs) {
		int heads = 8;
		int kvHeads = 2;
		int last = firstPosition + n - 1;
		float[][] k = randomRows(last + 1, kvHeads * hs, 1f);
		float[][] v = randomRows(last + 1, kvHeads * hs, 1f);
		round(k, cacheType);
		round(v, cacheType);
		Tensor keys = compute.allocate(cacheType, cacheRows, kvHeads * hs);
		Tensor values = compute.allocate(cacheType, cacheRows, kvHeads * hs);
		int[] all = new int[last + 1];
		Arrays.setAll(all, i -> i);
		Tensor allPositions = ints(compute, all);
		compute.setRows(floats(compute, k), allPositions, keys);
		compute.setRows(floats(compute, v), allPositions, values);
		float[][] stored = read(keys);
		report("setRows " + cacheType, null, Arrays.copyOf(stored, last + 1), k, 0);
		float[][] q = randomRows(n, heads * hs, 1f);
		int[] positions = new int[n];
		Arrays.setAll(positions, i -> firstPosition + i);
		Tensor out = compute.allocate(TensorType.F32, n, heads * hs);
		compute.attention(floats(compute, q), keys, values, ints(compute, positions), heads, kvHeads, out);
		report("attention " + cacheType + " hs=" + hs + " n=" + n + " cache=" + cacheRows, null, read(out), attentionReference(q, k, v, positions, heads, kvHeads, hs),
				1e-4);
	}

	private static float[][] attentionReference(float[][] q, float[][] k, float[][] v, int[] positions, int heads, int kvHeads, int hs) {
		float[][] out = new float[q.length][heads * hs];
		for (int i = 0; i < q.length; i++) {
			for (int h = 0; h < heads; h++) {
				int kvh = h / (heads / kvHeads);
				double[] scores = new double[positions[i] + 1];
				double max = Double.NEGATIVE_INFINITY;
				for (int t = 0; t <= positions[i]; t++) {
					double s = 0;
					for (int d = 0; d < hs; d++) {
						s += q[i][h * hs + d] * k[t][kvh * hs + d];
					}
					scores[t] = s / Math.sqrt(hs);
					max = Math.max(max, scores[t]);
				}
				double sum = 0;
				for (int t = 0; t <= positions[i]; t++) {
					scores[t] = Math.exp(scores[t] - max);
					sum += scores[t];
				}
				for (int d = 0; d < hs; d++) {
					double acc = 0;
					for (int t = 0; t <= positions[i]; t++) {
						acc += scores[t] * v[t][kvh * hs + d];
					}
					out[i][h * hs + d] = (float) (acc / sum);
				}
			}
		}
		return out;
	}

	/** One captured graph (rope, setRows, attention) replayed at three positions written before each replay. */
	private static void decodeGraph(Compute compute) {
		int heads = 4;
		int hs = 64;
		int cacheRows = 512;
		float[] freq = frequencies(hs);
		Tensor keys = compute.allocate(TensorType.F16, cacheRows, heads * hs);
		Tensor values = compute.allocate(TensorType.F16, cacheRows, heads * hs);
		Tensor position = compute.allocate(TensorType.I32, 1, 1);
		Tensor q = compute.allocate(TensorType.F32, 1, heads * hs);
		Tensor kv = compute.allocate(TensorType.F32, 1, heads * hs);
		Tensor out = compute.allocate(TensorType.F32, 1, heads * hs);
		Tensor freqT = floats(compute, new float[][] { freq });
		Compute.Graph graph = compute.capture(() -> {
			compute.setRows(kv, position, keys);
			compute.setRows(kv, position, values);
			compute.rope(q, position, freqT, hs, false);
			compute.attention(q, keys, values, position, heads, heads, out);
		});
		List<float[]> cached = new ArrayList<>();
		double worst = 0;
		for (int p = 0; p < 3; p++) {
			float[][] row = randomRows(1, heads * hs, 1f);
			round(row, TensorType.F16);
			float[][] query = randomRows(1, heads * hs, 1f);
			cached.add(row[0]);
			kv.write(segment(row));
			q.write(segment(query));
			position.write(MemorySegment.ofArray(new int[] { p }));
			graph.replay();
			float[][] rotated = new float[1][heads * hs];
			for (int h = 0; h < heads; h++) {
				for (int j = 0; j < hs / 2; j++) {
					int i0 = h * hs + 2 * j;
					double angle = (double) p * freq[j];
					rotated[0][i0] = (float) (query[0][i0] * Math.cos(angle) - query[0][i0 + 1] * Math.sin(angle));
					rotated[0][i0 + 1] = (float) (query[0][i0] * Math.sin(angle) + query[0][i0 + 1] * Math.cos(angle));
				}
			}
			float[][] kvSoFar = cached.toArray(float[][]::new);
			worst = Math.max(worst, relativeRms(read(out), attentionReference(rotated, kvSoFar, kvSoFar, new int[] { p }, heads, heads, hs)));
		}
		graph.close();
		check("graph replay (decode at positions 0, 1, 2)", null, worst, 1e-4);
	}

	private static void argmaxAndTopK(Compute compute) {
		int cols = 32000;
		float[][] rows = randomRows(3, cols, 1f);
		rows[1][123] = 50;
		rows[1][7000] = 50; // a tie: the first wins
		rows[0][31999] = 60;
		Tensor values = floats(compute, rows);
		Tensor out = compute.allocate(TensorType.I32, 1, 3);
		compute.argmax(values, out);
		int[] got = new int[3];
		out.read(MemorySegment.ofArray(got));
		int[] expected = new int[3];
		for (int i = 0; i < 3; i++) {
			for (int j = 1; j < cols; j++) {
				if (rows[i][j] > rows[i][expected[i]]) {
					expected[i] = j;
				}
			}
		}
		check("argmax (ties: first index) " + Arrays.toString(got), null, Arrays.equals(got, expected) ? 0 : 1, 0);
		float[] row = rows[1].clone();
		for (int j = 0; j < cols; j += 97) {
			row[j] = 2.5f; // many equal values straddling the k-th
		}
		for (int k : new int[] { 1, 40, 256 }) {
			Tensor topValues = compute.allocate(TensorType.F32, 1, k);
			Tensor topIndices = compute.allocate(TensorType.I32, 1, k);
			compute.topK(floats(compute, new float[][] { row }), k, topValues, topIndices);
			int[] indices = new int[k];
			topIndices.read(MemorySegment.ofArray(indices));
			float[] vals = new float[k];
			topValues.read(MemorySegment.ofArray(vals));
			Integer[] order = new Integer[cols];
			Arrays.setAll(order, i -> i);
			Arrays.sort(order, (x, y) -> row[x] != row[y] ? Float.compare(row[y], row[x]) : Integer.compare(x, y));
			int wrong = 0;
			for (int i = 0; i < k; i++) {
				if (indices[i] != order[i] || vals[i] != row[order[i]]) {
					wrong++;
				}
			}
			check("topK k=" + k + " (" + wrong + " of " + k + " wrong)", null, wrong, 0);
		}
	}

	// ---- bandwidth -------------------------------------------------------------------------------------------------------

	/** A graph of matmuls over enough copies of the matrix (random bytes: timing only) to stream from memory, not L2. */
	private static void bandwidth(Compute compute, TensorType type, int rows, int cols) {
		long bytes = rows * type.rowBytes(cols);
		int copies = (int) Math.max(4, Math.ceil(1e9 / bytes));
		MemorySegment data = arena.allocate(bytes, 16);
		for (long i = 0; i < bytes; i += 8) {
			data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, random.nextLong() & 0x3BFF3BFF3BFF3BFFL); // finite halves, floats
		}
		List<Tensor> matrices = new ArrayList<>();
		matrices.add(compute.upload(type, rows, cols, data));
		for (int i = 1; i < copies; i++) {
			Tensor copy = compute.allocate(type, rows, cols);
			compute.copy(matrices.get(0), copy);
			matrices.add(copy);
		}
		Tensor x = floats(compute, randomRows(1, cols, 1f));
		Tensor out = compute.allocate(TensorType.F32, 1, rows);
		Compute.Graph graph = compute.capture(() -> matrices.forEach(m -> compute.matmul(m, x, out)));
		graph.replay();
		compute.synchronize();
		int replays = 5;
		long start = System.nanoTime();
		for (int i = 0; i < replays; i++) {
			graph.replay();
		}
		compute.synchronize();
		double seconds = (System.nanoTime() - start) / 1e9 / replays / copies;
		double rate = bytes / seconds;
		double peak = compute.device().peakMemoryBandwidth();
		System.out.printf(Locale.ROOT, "  gemv %-5s %5d × %d  %8.1f µs  %7.0f GB/s  %5.1f %% of %.0f GB/s%n", type, rows, cols, seconds * 1e6, rate / 1e9,
				100 * rate / peak, peak / 1e9);
		graph.close();
		matrices.forEach(Tensor::close);
		x.close();
		out.close();
	}

	// ---- the Stable Diffusion engine's operations ------------------------------------------------------------------------

	/** An operation on one compute, its inputs uploaded there, returning its output's rows. */
	private interface OnCompute extends Function<Compute, float[][]> {
	}

	/** The operation on the GPU against the same operation on the CPU backend (the engine's reference, itself tested). */
	private static void sameAsCpu(Compute gpu, String op, TensorType type, double tolerance, OnCompute run) {
		report(op, type, run.apply(gpu), run.apply(cpu), tolerance);
	}

	private static Tensor param(Compute compute, TensorType type, float[][] rows) {
		return compute.upload(type, rows.length, rows[0].length, encoded(type, rows));
	}

	/**
	 * Shapes of SD 1.x's networks, scaled down: activations, GEGLU, linear layers with biases (a GEMV batch and a text
	 * encoder's 77 rows), LayerNorm, GroupNorm (+SiLU), 3×3 convolutions (stride 1 and 2, 4 input channels as conv_in),
	 * 1×1, self- and cross-attention and the text encoder's causal attention, upsampling, padding, concatenation, timesteps.
	 */
	private static void diffusionOperations(Compute gpu) {
		float[][] x = randomRows(256, 320, 1f);
		for (Activation f : Activation.values()) {
			sameAsCpu(gpu, "activation " + f, null, EXACT * 10, c -> {
				Tensor out = c.allocate(TensorType.F32, 256, 320);
				c.activation(f, floats(c, x), out);
				return read(out);
			});
		}
		sameAsCpu(gpu, "geglu", null, EXACT * 10, c -> {
			Tensor out = c.allocate(TensorType.F32, 256, 160);
			c.geglu(floats(c, x), out);
			return read(out);
		});
		float[][] scale = randomRows(1, 320, 1f);
		float[][] shift = randomRows(1, 320, 1f);
		for (TensorType type : List.of(TensorType.F32, TensorType.F16, TensorType.BF16)) {
			Weights w = weights(type, 96, 320);
			for (int n : new int[] { 4, 77 }) {
				float[][] in = randomRows(n, 320, 1f);
				sameAsCpu(gpu, "linear n=" + n, type, ROUNDED, c -> {
					Tensor out = c.allocate(TensorType.F32, n, 96);
					c.linear(c.upload(type, 96, 320, w.stored()), param(c, type, new float[][] { Arrays.copyOf(shift[0], 96) }), floats(c, in), out);
					return read(out);
				});
			}
			sameAsCpu(gpu, "layerNorm", type, EXACT * 100, c -> {
				Tensor out = c.allocate(TensorType.F32, 256, 320);
				c.layerNorm(floats(c, x), param(c, type, scale), param(c, type, shift), 1e-5f, out);
				return read(out);
			});
			for (boolean silu : new boolean[] { false, true }) {
				sameAsCpu(gpu, "groupNorm" + (silu ? "+SiLU" : ""), type, EXACT * 100, c -> {
					Tensor out = c.allocate(TensorType.F32, 256, 320);
					c.groupNorm(floats(c, x), 32, param(c, type, scale), param(c, type, shift), 1e-6f, silu, out);
					return read(out);
				});
			}
			// 16 × 16 pixels: (in channels, out channels, kernel, stride, padding)
			for (int[] k : new int[][] { { 64, 96, 3, 1, 1 }, { 64, 64, 3, 2, 1 }, { 4, 32, 3, 1, 1 }, { 96, 48, 1, 1, 0 } }) {
				float[][] image = randomRows(256, k[0], 1f);
				Weights kw = weights(type, k[1], k[0] * k[2] * k[2]);
				int side = (16 + 2 * k[4] - k[2]) / k[3] + 1;
				sameAsCpu(gpu, "conv2d " + k[0] + "→" + k[1] + " " + k[2] + "×" + k[2] + " stride " + k[3], type, ROUNDED, c -> {
					Tensor out = c.allocate(TensorType.F32, side * side, k[1]);
					c.conv2d(floats(c, image), 16, 16, c.upload(type, k[1], k[0] * k[2] * k[2], kw.stored()),
							param(c, type, new float[][] { Arrays.copyOf(shift[0], k[1]) }), k[2], k[3], k[4], out);
					return read(out);
				});
			}
		}
		// (queries, keys, heads, head size, causal): self-attention, cross-attention on 77 text states, CLIP's causal; heads
		// not a multiple of 16 wide, partial tiles, and the wide kernel's (the VAE's 512)
		for (int[] a : new int[][] { { 1024, 1024, 8, 40, 0 }, { 1024, 77, 8, 80, 0 }, { 77, 77, 12, 64, 1 }, { 33, 33, 2, 160, 0 },
				{ 130, 77, 5, 64, 0 }, { 70, 70, 3, 24, 1 }, { 100, 100, 2, 200, 1 }, { 50, 50, 2, 176, 1 }, { 256, 256, 1, 512, 0 }, { 1030, 1030, 1, 512, 0 } }) {
			float[][] q = randomRows(a[0], a[2] * a[3], 1f);
			float[][] k = randomRows(a[1], a[2] * a[3], 1f);
			float[][] v = randomRows(a[1], a[2] * a[3], 1f);
			sameAsCpu(gpu, "multiHeadAttention " + a[0] + "×" + a[1] + " " + a[2] + "×" + a[3] + (a[4] == 1 ? " causal" : ""), null, ROUNDED, c -> {
				Tensor out = c.allocate(TensorType.F32, a[0], a[2] * a[3]);
				c.multiHeadAttention(floats(c, q), floats(c, k), floats(c, v), a[2], a[4] == 1, out);
				return read(out);
			});
		}
		// a batch of 3 images (CFG's rows, a batch's images) as the UNet runs them: each on its own
		float[][] images = randomRows(3 * 256, 64, 1f);
		float[][] perImage = randomRows(3, 64, 1f);
		Weights batchConv = weights(TensorType.F16, 96, 64 * 9);
		for (int stride : new int[] { 1, 2 }) {
			int side = (16 + 2 - 3) / stride + 1;
			sameAsCpu(gpu, "conv2d batch 3 64→96 3×3 stride " + stride, TensorType.F16, ROUNDED, c -> {
				Tensor out = c.allocate(TensorType.F32, 3 * side * side, 96);
				c.conv2d(floats(c, images), 3, 16, 16, c.upload(TensorType.F16, 96, 64 * 9, batchConv.stored()), null, 3, stride, 1, out);
				return read(out);
			});
		}
		sameAsCpu(gpu, "groupNorm+SiLU batch 3", TensorType.F32, EXACT * 100, c -> {
			Tensor out = c.allocate(TensorType.F32, 3 * 256, 64);
			c.groupNorm(floats(c, images), 3, 32, param(c, TensorType.F32, new float[][] { Arrays.copyOf(scale[0], 64) }),
					param(c, TensorType.F32, new float[][] { Arrays.copyOf(shift[0], 64) }), 1e-5f, true, out);
			return read(out);
		});
		sameAsCpu(gpu, "add a row per image, batch 3", null, EXACT, c -> {
			Tensor out = c.allocate(TensorType.F32, 3 * 256, 64);
			c.add(floats(c, images), floats(c, perImage), out);
			return read(out);
		});
		for (int[] a : new int[][] { { 256, 256, 8, 8 }, { 256, 77, 8, 8 }, { 64, 64, 1, 512 } }) {
			float[][] q = randomRows(2 * a[0], a[2] * a[3], 1f);
			float[][] k = randomRows(2 * a[1], a[2] * a[3], 1f);
			float[][] v = randomRows(2 * a[1], a[2] * a[3], 1f);
			sameAsCpu(gpu, "multiHeadAttention batch 2 " + a[0] + "×" + a[1] + " " + a[2] + "×" + a[3], null, ROUNDED, c -> {
				Tensor out = c.allocate(TensorType.F32, 2 * a[0], a[2] * a[3]);
				c.multiHeadAttention(floats(c, q), floats(c, k), floats(c, v), 2, a[2], false, out);
				return read(out);
			});
		}
		float[][] small = randomRows(12 * 10, 24, 1f);
		sameAsCpu(gpu, "upsampleNearest2x", null, 0, c -> {
			Tensor out = c.allocate(TensorType.F32, 4 * 120, 24);
			c.upsampleNearest2x(floats(c, small), 12, 10, out);
			return read(out);
		});
		sameAsCpu(gpu, "pad", null, 0, c -> {
			Tensor out = c.allocate(TensorType.F32, 13 * 12, 24);
			c.pad(floats(c, small), 12, 10, 0, 1, 0, 2, out);
			return read(out);
		});
		float[][] other = randomRows(120, 40, 1f);
		sameAsCpu(gpu, "concatColumns", null, 0, c -> {
			Tensor out = c.allocate(TensorType.F32, 120, 64);
			c.concatColumns(floats(c, small), floats(c, other), out);
			return read(out);
		});
		sameAsCpu(gpu, "timestepEmbedding", null, EXACT * 10, c -> {
			Tensor out = c.allocate(TensorType.F32, 3, 320);
			c.timestepEmbedding(floats(c, new float[][] { { 999f, 500.5f, 1f } }), out);
			return read(out);
		});
	}

	// ---- helpers ---------------------------------------------------------------------------------------------------------

	private static void report(String op, TensorType type, float[][] got, float[][] expected, double tolerance) {
		check(op, type, relativeRms(got, expected), tolerance);
	}

	private static void check(String op, TensorType type, double error, double tolerance) {
		boolean ok = error <= tolerance && !Double.isNaN(error);
		String name = type == null ? op : op + " " + type;
		System.out.printf(Locale.ROOT, "  %s %-44s relative RMS %.2e (tolerance %.0e)%n", ok ? "ok  " : "FAIL", name, error, tolerance);
		if (!ok) {
			failures.add(name);
		}
	}

	private static double relativeRms(float[][] got, float[][] expected) {
		double diff = 0;
		double norm = 0;
		for (int i = 0; i < expected.length; i++) {
			for (int j = 0; j < expected[i].length; j++) {
				double d = got[i][j] - expected[i][j];
				diff += d * d;
				norm += (double) expected[i][j] * expected[i][j];
			}
		}
		return Math.sqrt(diff / Math.max(norm, 1e-30));
	}

	private static float[][] randomRows(int rows, int cols, float scale) {
		float[][] out = new float[rows][cols];
		for (float[] row : out) {
			for (int j = 0; j < cols; j++) {
				row[j] = (float) random.nextGaussian() * scale;
			}
		}
		return out;
	}

	/** Values as a cache of that type holds them. */
	private static void round(float[][] rows, TensorType type) {
		if (type == TensorType.F16) {
			for (float[] row : rows) {
				for (int j = 0; j < row.length; j++) {
					row[j] = Float.float16ToFloat(Float.floatToFloat16(row[j]));
				}
			}
		}
	}

	private static float[][] broadcast(float[] row, int n) {
		float[][] out = new float[n][];
		Arrays.fill(out, row);
		return out;
	}

	private interface FloatOp {
		float apply(float a, float b);
	}

	private static float[][] map2(float[][] a, float[][] b, FloatOp op) {
		float[][] out = new float[a.length][a[0].length];
		for (int i = 0; i < a.length; i++) {
			for (int j = 0; j < a[i].length; j++) {
				out[i][j] = op.apply(a[i][j], b[i][j]);
			}
		}
		return out;
	}

	private static MemorySegment segment(float[][] rows) {
		MemorySegment s = arena.allocate(4L * rows.length * rows[0].length, 16);
		for (int i = 0; i < rows.length; i++) {
			MemorySegment.copy(rows[i], 0, s, ValueLayout.JAVA_FLOAT, 4L * i * rows[0].length, rows[0].length);
		}
		return s;
	}

	private static Tensor floats(Compute compute, float[][] rows) {
		return compute.upload(TensorType.F32, rows.length, rows[0].length, segment(rows));
	}

	private static Tensor ints(Compute compute, int[] values) {
		return compute.upload(TensorType.I32, 1, values.length, MemorySegment.ofArray(values));
	}

	/** A tensor's rows as floats (F32, or an F16 cache). */
	private static float[][] read(Tensor t) {
		MemorySegment host = arena.allocate(t.bytes(), 16);
		t.read(host);
		float[][] out = new float[t.rows()][t.cols()];
		for (int i = 0; i < t.rows(); i++) {
			for (int j = 0; j < t.cols(); j++) {
				long at = (long) i * t.cols() + j;
				out[i][j] = t.type() == TensorType.F16 ? Float.float16ToFloat(host.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2 * at))
						: host.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 4 * at);
			}
		}
		return out;
	}
}
