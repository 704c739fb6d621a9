package dev.atelier.bench.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

import dev.atelier.bench.BenchResult;
import dev.atelier.bench.Harness;
import dev.atelier.bench.Timing;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.device.Device;

/** The CPU suite: Java's memory bandwidth (one thread copying, all threads in a STREAM triad) and a Vector-API SGEMM. */
final class CpuSuite {

	record Sizes(long copyBytes, int triadLog2, int[] sgemm) {
		static final Sizes DEFAULT = new Sizes(256L << 20, 24, new int[] { 256, 512, 1024 });
	}

	private final Device cpu;
	private final Sizes sizes;
	private final Harness harness;
	private final JobContext job;
	private final List<BenchResult> results = new ArrayList<>();

	CpuSuite(Device cpu, Sizes sizes, Harness harness, JobContext job) {
		this.cpu = cpu;
		this.sizes = sizes;
		this.harness = harness;
		this.job = job;
	}

	List<BenchResult> results() {
		return results;
	}

	void run() {
		job.begin("CPU benchmarks", 2 + sizes.sgemm().length);
		copy();
		job.worked(1);
		triad();
		job.worked(1);
		for (int n : sizes.sgemm()) {
			sgemm(n);
			job.worked(1);
		}
	}

	private static Timing wall(Harness harness, Runnable work) {
		return harness.time(() -> {
			long start = System.nanoTime();
			work.run();
			return (System.nanoTime() - start) / 1e6;
		});
	}

	private void copy() {
		long bytes = sizes.copyBytes();
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment from = arena.allocate(bytes, 64);
			MemorySegment to = arena.allocate(bytes, 64);
			from.fill((byte) 7);
			Timing t = wall(harness, () -> MemorySegment.copy(from, 0, to, 0, bytes));
			results.add(BenchResult.throughput("Java memory copy " + (bytes >> 20) + " MiB, 1 thread", "cpu-memory", 2.0 * bytes, 1e9, "GB/s", t, 0, null)
					.withNote("MemorySegment.copy; read + write counted"));
		}
	}

	private void triad() {
		int n = 1 << sizes.triadLog2();
		double[] a = new double[n];
		double[] b = new double[n];
		double[] c = new double[n];
		java.util.Arrays.fill(b, 1.0);
		java.util.Arrays.fill(c, 2.0);
		int threads = Runtime.getRuntime().availableProcessors();
		int chunk = (n + threads - 1) / threads;
		Timing t = wall(harness, () -> IntStream.range(0, threads).parallel().forEach(p -> {
			for (int i = p * chunk, end = Math.min(n, i + chunk); i < end; i++) {
				a[i] = b[i] + 3.0 * c[i];
			}
		}));
		if (a[n - 1] != 7.0) {
			throw new IllegalStateException("the Java triad computed " + a[n - 1] + " instead of 7");
		}
		results.add(BenchResult.throughput("Java STREAM triad " + (8L * n >> 20) + " MiB arrays, " + threads + " threads", "cpu-memory", 24.0 * n, 1e9,
				"GB/s", t, 0, null));
	}

	private void sgemm(int n) {
		Random random = new Random(n);
		float[] a = new float[n * n];
		float[] b = new float[n * n];
		float[] c = new float[n * n];
		for (int i = 0; i < a.length; i++) {
			a[i] = random.nextFloat() - 0.5f;
			b[i] = random.nextFloat() - 0.5f;
		}
		Timing t = wall(harness, () -> VectorSgemm.multiply(a, b, c, n));
		double error = VectorSgemm.check(a, b, c, n, random);
		if (error > 1e-5) {
			throw new IllegalStateException(String.format(Locale.ROOT, "the Vector-API SGEMM %d³ is wrong: relative error %.2g", n, error));
		}
		double peak = cpu.peakFp32Flops();
		String formula = String.format(Locale.ROOT, "FP32: %d cores × 2 FMA units × %d lanes × 2 × %.0f MHz = %.0f GFLOP/s", cpu.multiprocessors(),
				Math.max(1, cpu.simdWidthBits() / 32), cpu.coreClockKHz() / 1e3, peak / 1e9);
		results.add(BenchResult.throughput("Vector-API SGEMM " + n, "cpu-gemm", 2.0 * n * n * n, 1e9, "GFLOP/s", t, peak, formula)
				.withNote(VectorSgemm.species() + ", all cores; checked: max rel. error " + String.format(Locale.ROOT, "%.1e", error)));
	}
}
