package dev.atelier.compute.internal.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

import dev.atelier.compute.TensorType;

/**
 * The decode step's matrix-vector products of a Llama 3.2 1B-shape model (16 layers of q, k, v, o, gate, up, down and
 * the 32,000-row output) on random weights of one type, on the CPU backend's kernels, rows split among threads as
 * CpuCompute splits them: the float-activation kernels against the 8-bit integer ones, as tokens per second of
 * matmuls alone. Run by releng/llm/cpu-matmul-vs-llamacpp.sh, which adds llama.cpp's tg on the same shape:
 *   java --add-modules jdk.incubator.vector -cp CLASSES:dev.atelier.compute.jar dev.atelier.compute.internal.cpu.CpuMatmulBench \
 *     THREADS TYPE[=LLAMA_TG] ...
 */
public final class CpuMatmulBench {

	private static final int DIM = 2048;
	private static final int KV = 512;
	private static final int FFN = 8192;
	private static final int VOCAB = 32000;
	private static final int LAYERS = 16;

	public static void main(String[] args) {
		int threads = Integer.parseInt(args[0]);
		ForkJoinPool pool = new ForkJoinPool(threads);
		System.out.printf(Locale.ROOT, "%-6s %7s %12s %12s %8s %14s %9s%n", "type", "threads", "float tok/s", "int8 tok/s", "int/flt", "llama.cpp tg/s",
				"int/llama");
		for (int a = 1; a < args.length; a++) {
			String[] spec = args[a].split("=");
			TensorType type = TensorType.valueOf(spec[0]);
			try (Arena arena = Arena.ofShared()) {
				List<Weights> model = model(arena, type);
				float[] x = new float[FFN];
				Random r = new Random(1);
				for (int i = 0; i < x.length; i++) {
					x[i] = (float) r.nextGaussian();
				}
				double floatRate = 0;
				double intRate = 0;
				for (int round = 0; round < 4; round++) { // alternating, the best of each: the machine is shared
					floatRate = Math.max(floatRate, tokensPerSecond(model, x, pool, threads, false));
					intRate = Math.max(intRate, tokensPerSecond(model, x, pool, threads, true));
				}
				double llama = spec.length > 1 ? Double.parseDouble(spec[1]) : Double.NaN;
				System.out.printf(Locale.ROOT, "%-6s %7d %12.2f %12.2f %8.2f %14.2f %9.2f%n", type, threads, floatRate, intRate, intRate / floatRate, llama,
						intRate / llama);
			}
		}
		pool.shutdown();
	}

	/** Three tokens' matmuls, timed together. */
	private static double tokensPerSecond(List<Weights> model, float[] x, ForkJoinPool pool, int threads, boolean integer) {
		float[] out = new float[VOCAB];
		long start = System.nanoTime();
		int tokens = 3;
		for (int token = 0; token < tokens; token++) {
			for (Weights w : model) {
				Q8Activations q = null;
				if (integer) {
					q = new Q8Activations(w.activationBlock(), w.cols());
					q.reserve(1);
					q.quantise(0, x);
				}
				Q8Activations q8 = q;
				int chunks = threads * 4;
				pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(chunk -> {
					for (int row = chunk * w.rows() / chunks; row < (chunk + 1) * w.rows() / chunks; row++) {
						out[row] = q8 == null ? w.dot(row, x) : w.dot(row, q8, 0);
					}
				})).join();
			}
		}
		return tokens / ((System.nanoTime() - start) / 1e9);
	}

	private static List<Weights> model(Arena arena, TensorType type) {
		List<Weights> model = new ArrayList<>();
		Random r = new Random(7);
		for (int layer = 0; layer < LAYERS; layer++) {
			for (int[] shape : new int[][] { { DIM, DIM }, { KV, DIM }, { KV, DIM }, { DIM, DIM }, { FFN, DIM }, { FFN, DIM }, { DIM, FFN } }) {
				model.add(matrix(arena, type, shape[0], shape[1], r));
			}
		}
		model.add(matrix(arena, type, VOCAB, DIM, r));
		return model;
	}

	/** Random bytes, every block's F16 scales (and mins) set to small finite values. */
	private static Weights matrix(Arena arena, TensorType type, int rows, int cols, Random r) {
		long bytes = rows * type.rowBytes(cols);
		MemorySegment data = arena.allocate(bytes, 64);
		long seed = r.nextLong() | 1;
		for (long at = 0; at + 8 <= bytes; at += 8) {
			seed ^= seed << 13;
			seed ^= seed >>> 7;
			seed ^= seed << 17;
			data.set(ValueLayout.JAVA_LONG_UNALIGNED, at, seed);
		}
		ValueLayout.OfShort half = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
		short scale = Float.floatToFloat16(0.01f);
		for (long block = 0; block < bytes; block += type.blockBytes()) {
			switch (type) {
			case Q6_K -> data.set(half, block + 208, scale);
			case Q4_K, Q5_K -> {
				data.set(half, block, scale);
				data.set(half, block + 2, scale);
			}
			default -> data.set(half, block, scale);
			}
		}
		return Weights.of(data, type, rows, cols);
	}
}
