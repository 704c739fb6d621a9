package dev.atelier.bench.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleSupplier;

import dev.atelier.bench.BenchResult;
import dev.atelier.bench.Harness;
import dev.atelier.bench.Timing;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceFunction;
import dev.atelier.device.DeviceFunction.Dim;
import dev.atelier.device.DeviceModule;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStream;
import dev.atelier.device.HostBuffer;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.kernels.Kernels;

/**
 * The GPU suite: transfers, STREAM, access patterns, the FP16 GEMM, image invert, reduction, stream overlap and
 * launch and lease latency, on one device through the device service. Work is timed with marks (CUDA events)
 * on the device's own clock. Transfers also run on the CPU device (its marks are wall-clock times), which is how
 * CI exercises this code; benchmarks that need kernels are skipped there with the reason.
 */
final class GpuSuite {

	/** Sizes of the work; {@link #DEFAULT} for real runs, small ones for tests. */
	record Sizes(long copyBytes, long transferBytes, int streamLog2, int accessLog2, int[] gemm, int imageWidth, int imageHeight, int launches,
			long overlapBytes, int leaseOps) {
		static final Sizes DEFAULT = new Sizes(2L << 30, 256L << 20, 26, 26, new int[] { 1024, 2048, 4096, 8192 }, 3840, 2160, 2000, 256L << 20,
				20_000);
	}

	/** Work a reference implementation can time too: what PyTorch is asked to run for a result. */
	record ReferenceRequest(String name, String op, long bytes, boolean pinned, int n) {
	}

	private static final int THREADS = 256;

	private final DeviceService devices;
	private final Device device;
	private final Sizes sizes;
	private final Harness harness;
	private final JobContext job;
	private final List<BenchResult> results = new ArrayList<>();
	private final List<String> skipped = new ArrayList<>();
	private final List<String> failures = new ArrayList<>();
	private final List<ReferenceRequest> references = new ArrayList<>();
	/** The benchmark running now, to name it in what is skipped. */
	private String current = "";

	GpuSuite(DeviceService devices, Device device, Sizes sizes, Harness harness, JobContext job) {
		this.devices = devices;
		this.device = device;
		this.sizes = sizes;
		this.harness = harness;
		this.job = job;
	}

	List<BenchResult> results() {
		return results;
	}

	List<String> skipped() {
		return skipped;
	}

	List<String> failures() {
		return failures;
	}

	List<ReferenceRequest> references() {
		return references;
	}

	/** Runs every benchmark under one lease of what the largest needs. */
	void run() throws InterruptedException {
		long largestGemm = sizes.gemm().length == 0 ? 0 : sizes.gemm()[sizes.gemm().length - 1];
		long need = Math.max(Math.max(2 * sizes.copyBytes(), 3L * (8L << sizes.streamLog2())), 3 * 2 * largestGemm * largestGemm) + (64L << 20);
		VramLease lease;
		try {
			lease = devices.acquire(device.id(), LeaseRequest.of("atelier bench", need));
		} catch (LeaseRefusedException e) {
			failures.add("gpu suite on " + device.id() + ": no memory for the benchmarks: " + e.getMessage());
			return;
		}
		try (ComputeContext context = devices.openContext(lease); ComputeContext.Binding bound = context.bind();
				DeviceStream stream = context.newStream()) {
			job.begin("GPU benchmarks on " + device.id(), 10);
			Run run = new Run(context, stream);
			step("device-to-device copy", run::deviceCopy);
			step("transfers", run::transfers);
			step("STREAM", () -> withKernels(context, "stream", run::stream));
			step("access patterns", () -> withKernels(context, "access", run::access));
			step("FP16 GEMM", () -> withKernels(context, Gemm.of(device).image(), run::gemm));
			step("image invert", () -> withKernels(context, "image", run::invert));
			step("reduction", () -> withKernels(context, "reduce", run::reduce));
			step("stream overlap", () -> withKernels(context, "overlap", run::overlap));
			step("launch latency", () -> withKernels(context, "overlap", run::launchLatency));
			step("lease latency", this::leaseLatency);
		} finally {
			lease.close();
		}
	}

	/** Runs one benchmark; a wrong result or an error is recorded as its failure and the others go on. */
	private void step(String name, Runnable benchmark) {
		job.checkCancelled();
		current = name;
		try {
			benchmark.run();
		} catch (dev.atelier.core.jobs.JobCancelledException e) {
			throw e;
		} catch (RuntimeException e) {
			failures.add("gpu " + name + " on " + device.id() + ": " + e.getMessage());
		}
		job.worked(1);
	}

	private interface WithModule {
		void run(DeviceModule module);
	}

	/** Runs benchmarks that need a kernel image; where the device cannot load it, records why instead. */
	private void withKernels(ComputeContext context, String image, WithModule body) {
		DeviceModule module;
		try {
			module = Kernels.load(context, image);
		} catch (UnsupportedOperationException e) {
			skipped.add("gpu " + current + ": skipped: " + e.getMessage());
			return;
		}
		try (module) {
			body.run(module);
		}
	}

	private BenchResult bandwidth(String name, String group, double bytes, Timing t) {
		return BenchResult.throughput(name, group, bytes, 1e9, "GB/s", t, device.peakMemoryBandwidth(), String.format(Locale.ROOT,
				"memory: 2 × %.0f MHz × %d bit / 8 = %.0f GB/s", device.memoryClockKHz() / 1e3, device.memoryBusWidthBits(),
				device.peakMemoryBandwidth() / 1e9));
	}

	private static String size(long bytes) {
		return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
	}

	/** The benchmarks, sharing a context and a stream. */
	private final class Run {
		private final ComputeContext context;
		private final DeviceStream stream;
		private final int grid;

		Run(ComputeContext context, DeviceStream stream) {
			this.context = context;
			this.stream = stream;
			// Enough blocks of 256 threads to fill every SM several times over for the grid-stride kernels.
			this.grid = Math.max(1, device.multiprocessors()) * 8;
		}

		/** Times {@code work} queued on the stream between two marks. */
		private Timing timed(Runnable work) {
			return harness.time(marked(work));
		}

		private DoubleSupplier marked(Runnable work) {
			return () -> {
				try (DeviceStream.Mark start = stream.mark()) {
					work.run();
					try (DeviceStream.Mark end = stream.mark()) {
						return end.millisSince(start);
					}
				}
			};
		}

		void deviceCopy() {
			long bytes = sizes.copyBytes();
			try (DeviceBuffer a = context.allocate(bytes); DeviceBuffer b = context.allocate(bytes)) {
				a.clear(0, bytes, stream);
				String name = "device-to-device copy " + size(bytes);
				results.add(bandwidth(name, "copy", 2.0 * bytes, timed(() -> a.copyTo(0, b, 0, bytes, stream))).withNote("read + write counted"));
				references.add(new ReferenceRequest(name, "copy", bytes, false, 0));
			}
		}

		void transfers() {
			long bytes = sizes.transferBytes();
			try (DeviceBuffer d = context.allocate(bytes); HostBuffer pinned = context.allocateHost(bytes);
					java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
				MemorySegment pageable = arena.allocate(bytes, 64);
				pageable.fill((byte) 1);
				pinned.segment().fill((byte) 1);
				for (boolean isPinned : new boolean[] { true, false }) {
					MemorySegment host = isPinned ? pinned.segment() : pageable;
					String kind = isPinned ? (pinned.pinned() ? "pinned" : "unpinned") : "pageable";
					String up = "host-to-device " + kind + " " + size(bytes);
					results.add(BenchResult.throughput(up, "transfer", bytes, 1e9, "GB/s", timed(() -> d.writeAsync(0, host, stream)), 0, null));
					references.add(new ReferenceRequest(up, "h2d", bytes, isPinned, 0));
					String down = "device-to-host " + kind + " " + size(bytes);
					results.add(BenchResult.throughput(down, "transfer", bytes, 1e9, "GB/s", timed(() -> d.readAsync(0, host, stream)), 0, null));
					references.add(new ReferenceRequest(down, "d2h", bytes, isPinned, 0));
				}
			}
		}

		void stream(DeviceModule module) {
			long n = 1L << sizes.streamLog2();
			long bytes = 8 * n;
			try (DeviceBuffer a = context.allocate(bytes); DeviceBuffer b = context.allocate(bytes); DeviceBuffer c = context.allocate(bytes)) {
				fillDoubles(a, 1.0);
				fillDoubles(b, 2.0);
				fillDoubles(c, 0.0);
				Dim g = Dim.of(grid);
				Dim blk = Dim.of(THREADS);
				long n2 = n / 2;
				DeviceFunction copy = module.function("stream_copy");
				DeviceFunction scale = module.function("stream_scale");
				DeviceFunction add = module.function("stream_add");
				DeviceFunction triad = module.function("stream_triad");
				String label = " " + size(bytes) + " arrays";
				results.add(bandwidth("STREAM copy" + label, "stream", 16.0 * n, timed(() -> copy.launch(g, blk, 0, stream, a, c, n2))));
				results.add(bandwidth("STREAM scale" + label, "stream", 16.0 * n, timed(() -> scale.launch(g, blk, 0, stream, b, c, 3.0, n2))));
				results.add(bandwidth("STREAM add" + label, "stream", 24.0 * n, timed(() -> add.launch(g, blk, 0, stream, a, b, c, n2))));
				results.add(bandwidth("STREAM triad" + label, "stream", 24.0 * n, timed(() -> triad.launch(g, blk, 0, stream, a, b, c, 3.0, n2))));
				// After the runs a = b + 3·c with c = a + b from the add kernel's last run: check one element.
				double[] got = readDoubles(a, 1);
				stream.synchronize();
				if (!(got[0] > 0) || Double.isNaN(got[0])) {
					throw new IllegalStateException("STREAM triad produced " + got[0] + " on " + device.id());
				}
			}
		}

		void access(DeviceModule module) {
			long n = 1L << sizes.accessLog2();
			try (DeviceBuffer in = context.allocate(4 * n); DeviceBuffer out = context.allocate(4 * n)) {
				in.clear(0, 4 * n, stream);
				DeviceFunction strided = module.function("strided_read");
				for (int log = 0; log <= 6; log++) {
					int s = log;
					results.add(bandwidth("strided read, stride " + (1 << log), "stride", 8.0 * n,
							timed(() -> strided.launch(Dim.of(grid), Dim.of(THREADS), 0, stream, in, out, n, s))).withNote("read + write of " + size(4 * n)));
				}
				DeviceFunction gather = module.function("random_gather");
				results.add(bandwidth("random gather", "stride", 8.0 * n,
						timed(() -> gather.launch(Dim.of(grid), Dim.of(THREADS), 0, stream, in, out, n, 12345L))).withNote("read + write of " + size(4 * n)));
			}
		}

		/** C = A·Bᵀ (both operands K-major, as weights are stored), checked at sampled elements against float64. */
		void gemm(DeviceModule module) {
			Gemm variant = Gemm.of(device);
			DeviceFunction kernel = module.function(variant.kernel());
			Random random = new Random(42);
			double peak = device.peakFp16TensorFlops();
			String formula = String.format(Locale.ROOT, "FP16 tensor: %d SMs × %.0f FLOP/clock × %.0f MHz = %.0f TFLOP/s", device.multiprocessors(),
					peak / (device.multiprocessors() * device.coreClockKHz() * 1e3), device.coreClockKHz() / 1e3, peak / 1e12);
			for (int n : sizes.gemm()) {
				long bytes = 2L * n * n;
				try (DeviceBuffer a = context.allocate(bytes); DeviceBuffer b = context.allocate(bytes); DeviceBuffer c = context.allocate(bytes);
						HostBuffer ha = context.allocateHost(bytes); HostBuffer hb = context.allocateHost(bytes); HostBuffer hc = context.allocateHost(bytes)) {
					randomHalves(ha.segment(), random);
					randomHalves(hb.segment(), random);
					a.write(0, ha.segment());
					b.write(0, hb.segment());
					Dim g = new Dim(n / variant.tileN(), n / variant.tileM(), 1);
					Timing t = timed(() -> kernel.launch(g, Dim.of(THREADS), variant.sharedBytes(), stream, a, b, c, n, n, n));
					c.readAsync(0, hc.segment(), stream);
					stream.synchronize();
					double error = GemmCheck.maxRelativeError(ha.segment(), hb.segment(), hc.segment(), n, 16, random);
					if (error > 1e-2) {
						throw new IllegalStateException(String.format(Locale.ROOT, "%s %d³ on %s is wrong: relative error %.3g against a float64 check",
								variant.kernel(), n, device.id(), error));
					}
					String name = "gemm-fp16 " + n;
					results.add(BenchResult.throughput(name, "gemm", 2.0 * n * n * n, 1e12, "TFLOP/s", t, peak, formula)
							.withNote(String.format(Locale.ROOT, "%s (%s), A·Bᵀ, FP32 accumulate; checked: max rel. error %.1e", variant.kernel(),
									variant.instructions(), error)));
					references.add(new ReferenceRequest(name, "matmul", 0, false, n));
				}
			}
		}

		void invert(DeviceModule module) {
			long pixels = (long) sizes.imageWidth() * sizes.imageHeight();
			try (DeviceBuffer in = context.allocate(4 * pixels); DeviceBuffer out = context.allocate(4 * pixels);
					HostBuffer host = context.allocateHost(4 * pixels)) {
				for (long i = 0; i < pixels; i++) {
					host.segment().setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (int) (i * 2654435761L));
				}
				in.write(0, host.segment());
				DeviceFunction four = module.function("invert_rgba4");
				DeviceFunction one = module.function("invert_rgba");
				long whole = pixels / 4 * 4;
				Timing t = timed(() -> {
					four.launch(Dim.of(grid), Dim.of(THREADS), 0, stream, in, out, pixels / 4);
					if (whole < pixels) {
						one.launch(Dim.of(1), Dim.of(32), 0, stream, in, out, whole, pixels);
					}
				});
				out.read(0, host.segment());
				for (long i = 0; i < pixels; i += Math.max(1, pixels / 1000)) {
					int expected = (int) (i * 2654435761L) ^ 0x00FFFFFF;
					if (host.segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) != expected) {
						throw new IllegalStateException("invert_rgba gave a wrong pixel " + i + " on " + device.id());
					}
				}
				results.add(bandwidth("image invert " + sizes.imageWidth() + "×" + sizes.imageHeight() + " RGBA8", "image", 8.0 * pixels, t)
						.withNote(String.format(Locale.ROOT, "%.0f images/s", 1e3 / t.medianMs())));
			}
		}

		void reduce(DeviceModule module) {
			long n = 1L << sizes.accessLog2();
			try (DeviceBuffer in = context.allocate(4 * n); DeviceBuffer sum = context.allocate(4); HostBuffer host = context.allocateHost(4 * n)) {
				for (long i = 0; i < n; i++) {
					host.segment().setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (i % 4) * 0.5f);
				}
				in.write(0, host.segment());
				DeviceFunction kernel = module.function("reduce_sum");
				Timing t = timed(() -> {
					sum.clear(0, 4, stream);
					kernel.launch(Dim.of(grid), Dim.of(THREADS), 0, stream, in, sum, n / 4);
				});
				MemorySegment result = host.segment().asSlice(0, 4);
				sum.read(0, result);
				double expected = n / 4 * (0 + 0.5 + 1 + 1.5);
				double got = result.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
				if (Math.abs(got - expected) > 1e-3 * expected) {
					throw new IllegalStateException("reduce_sum gave " + got + " instead of " + expected + " on " + device.id());
				}
				results.add(bandwidth("reduction (sum) " + size(4 * n), "reduce", 4.0 * n, t));
			}
		}

		/**
		 * 1, 2 and 4 streams each taking chunks through upload, an arithmetic kernel sized to take as long as the
		 * upload, and download; with copy engines and SMs working at once, more streams finish sooner.
		 */
		void overlap(DeviceModule module) {
			long total = sizes.overlapBytes();
			int chunks = 8;
			long chunk = total / chunks;
			DeviceFunction fma = module.function("fma_chain");
			List<DeviceBuffer> parts = new ArrayList<>();
			try (HostBuffer host = context.allocateHost(total)) {
				for (int c = 0; c < chunks; c++) {
					parts.add(context.allocate(chunk));
				}
				host.segment().fill((byte) 0);
				long floats = chunk / 4;
				DeviceBuffer first = parts.get(0);
				double copyMs = timed(() -> first.writeAsync(0, host.segment().asSlice(0, chunk), stream)).medianMs();
				double kernelMs = timed(() -> fma.launch(Dim.of(grid), Dim.of(THREADS), 0, stream, first, floats, 64)).medianMs();
				int iters = (int) Math.max(1, Math.min(1 << 16, Math.round(64 * copyMs / kernelMs)));
				double oneStream = 0;
				for (int k : new int[] { 1, 2, 4 }) {
					List<DeviceStream> streams = new ArrayList<>();
					try {
						for (int i = 0; i < k; i++) {
							streams.add(context.newStream());
						}
						Timing t = harness.time(() -> {
							try (DeviceStream.Mark start = stream.mark()) {
								streams.forEach(s -> s.waitFor(start));
								for (int c = 0; c < chunks; c++) {
									DeviceStream s = streams.get(c % k);
									MemorySegment part = host.segment().asSlice(c * chunk, chunk);
									parts.get(c).writeAsync(0, part, s);
									fma.launch(Dim.of(grid), Dim.of(THREADS), 0, s, parts.get(c), floats, iters);
									parts.get(c).readAsync(0, part, s);
								}
								List<DeviceStream.Mark> ends = new ArrayList<>();
								streams.forEach(s -> ends.add(s.mark()));
								ends.forEach(stream::waitFor);
								try (DeviceStream.Mark end = stream.mark()) {
									return end.millisSince(start);
								} finally {
									ends.forEach(DeviceStream.Mark::close);
								}
							}
						});
						if (k == 1) {
							oneStream = t.medianMs();
						}
						results.add(BenchResult.throughput("copy/compute overlap, " + k + (k == 1 ? " stream" : " streams"), "overlap", 2.0 * total, 1e9, "GB/s",
								t, 0, null).withNote(String.format(Locale.ROOT, "%.2f× one stream; %d chunks of %s, kernel %d FMA/element", oneStream / t.medianMs(),
										chunks, size(chunk), iters)));
					} finally {
						streams.forEach(DeviceStream::close);
					}
				}
			} finally {
				parts.forEach(DeviceBuffer::close);
			}
		}

		void launchLatency(DeviceModule module) {
			DeviceFunction noop = module.function("noop");
			int launches = sizes.launches();
			Timing t = harness.time(() -> {
				long start = System.nanoTime();
				for (int i = 0; i < launches; i++) {
					noop.launch(Dim.of(1), Dim.of(1), 0, stream);
				}
				stream.synchronize();
				return (System.nanoTime() - start) / 1e6;
			});
			Timing perLaunch = new Timing(t.minMs() / launches, t.medianMs() / launches, t.maxMs() / launches, t.runs());
			results.add(new BenchResult("kernel launch (empty kernel)", "latency", perLaunch.medianMs() * 1e3, "µs", null, null, null, null, perLaunch,
					launches + " launches then one synchronize, wall clock"));
		}

		private void fillDoubles(DeviceBuffer buffer, double value) {
			try (HostBuffer host = context.allocateHost(buffer.bytes())) {
				for (long i = 0; i < buffer.bytes() / 8; i++) {
					host.segment().setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, value);
				}
				buffer.write(0, host.segment());
			}
		}

		private double[] readDoubles(DeviceBuffer buffer, int count) {
			try (HostBuffer host = context.allocateHost(8L * count)) {
				buffer.read(0, host.segment());
				return host.segment().toArray(ValueLayout.JAVA_DOUBLE);
			}
		}

		private void randomHalves(MemorySegment segment, Random random) {
			for (long i = 0; i < segment.byteSize() / 2; i++) {
				segment.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16((float) random.nextGaussian()));
			}
		}
	}

	/** Which GEMM kernel a GPU runs: wgmma on Hopper, WMMA elsewhere. */
	record Gemm(String image, String kernel, String instructions, int tileM, int tileN, int sharedBytes) {
		static Gemm of(Device device) {
			var cc = device.computeCapability();
			if (cc == null) { // the CPU device: it loads no kernels, and says so
				return new Gemm("gemm", "gemm_fp16", "WMMA", 128, 128, 61_440);
			}
			if (cc.major() == 9 && cc.minor() == 0) {
				return new Gemm("gemm_sm90", "gemm_fp16_sm90", "wgmma", 128, 256, 197_632);
			}
			return new Gemm("gemm", "gemm_fp16", "WMMA", 128, 128, 61_440);
		}
	}

	/** Acquire and release of 1 MiB leases on the device, wall clock (the device service's own cost). */
	private void leaseLatency() {
		int ops = sizes.leaseOps();
		Timing t = harness.time(() -> {
			long start = System.nanoTime();
			for (int i = 0; i < ops; i++) {
				try {
					devices.acquire(device.id(), LeaseRequest.of("atelier bench lease latency", 1L << 20)).close();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted", e);
				} catch (LeaseRefusedException e) {
					throw new IllegalStateException(e.getMessage(), e);
				}
			}
			return (System.nanoTime() - start) / 1e6;
		});
		Timing perOp = new Timing(t.minMs() / ops, t.medianMs() / ops, t.maxMs() / ops, t.runs());
		results.add(new BenchResult("device-service lease (acquire + release)", "latency", perOp.medianMs() * 1e3, "µs", null, null, null, null, perOp,
				ops + " pairs of 1 MiB, one thread"));
	}
}
