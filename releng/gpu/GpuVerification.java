import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceFunction;
import dev.atelier.device.DeviceFunction.Dim;
import dev.atelier.device.DeviceModule;
import dev.atelier.device.DeviceStream;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.LeaseState;
import dev.atelier.device.Priority;
import dev.atelier.device.VramLease;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.device.spi.PhysicalDevice;

/**
 * Verifies the CUDA device backend on a real GPU host without OSGi (see verify.sh): the device's attributes,
 * a 50 GB lease really allocated, eviction and release returning memory, driver-reported free memory agreeing
 * with the lease accounting within 1 %. Prints a report and exits 1 when a check fails.
 */
public final class GpuVerification {

	private static final long GB = 1_000_000_000L;
	private static final List<String> failures = new ArrayList<>();

	public static void main(String[] args) throws Exception {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		CudaDevices cuda = new CudaDevices();
		registry.addProvider(cuda);
		DeviceService service = BundleDeviceService.forBundle(registry, "gpu-verification");
		for (Device d : service.devices()) {
			System.out.printf(Locale.ROOT, "%s  %s  compute %s, %d SMs, %.0f MHz, memory %.0f MHz x %d bit, %.2f GiB, driver %s, CUDA %s%n", d.id(),
					d.name(), d.computeCapability(), d.multiprocessors(), d.coreClockKHz() / 1e3, d.memoryClockKHz() / 1e3, d.memoryBusWidthBits(),
					d.totalBytes() / (double) (1L << 30), d.driverVersion(), d.cudaVersion());
			System.out.printf(Locale.ROOT, "    peaks: %.0f GB/s memory, %.1f TFLOP/s FP32, %.1f TFLOP/s FP16 tensor; formats %s%n",
					d.peakMemoryBandwidth() / 1e9, d.peakFp32Flops() / 1e12, d.peakFp16TensorFlops() / 1e12, d.precisions());
		}
		check(service.device("cuda:0").isPresent(), "cuda:0 is listed");
		Device gpu = service.device("cuda:0").orElseThrow();
		check(gpu.name().contains("H100") || gpu.name().contains("H200"), "the GPU is an H100 or H200: " + gpu.name());
		check(gpu.computeCapability().toString().equals("9.0"), "compute capability 9.0: " + gpu.computeCapability());
		check(gpu.multiprocessors() >= 114 && gpu.multiprocessors() <= 144, "SM count of a Hopper part: " + gpu.multiprocessors());
		check(gpu.totalBytes() > 70L << 30, "more than 70 GiB: " + gpu.totalBytes());
		check(gpu.memoryBusWidthBits() == 5120 || gpu.memoryBusWidthBits() == 6144, "HBM bus width: " + gpu.memoryBusWidthBits());
		check(!gpu.cudaVersion().isEmpty() && Double.parseDouble(gpu.cudaVersion()) >= 13.0, "driver supports CUDA 13: " + gpu.cudaVersion());

		PhysicalDevice physical = registry.entry("cuda:0").physical();
		long free0 = physical.freeBytes();
		report("before any lease", free0, 0, service);

		VramLease big = service.acquire("cuda:0", LeaseRequest.of("50 GB model", 50 * GB).evictable(l ->
				System.out.println("    eviction callback: " + l.owner() + " unloads")));
		ComputeContext context = service.openContext(big);
		DeviceBuffer buffer;
		try (VramLease.Use use = big.use()) {
			buffer = context.allocate(50 * GB);
		}
		check(buffer.address() != 0, "cuMemAlloc returned a device pointer");
		long free1 = physical.freeBytes();
		report("50 GB lease allocated", free1, 50 * GB, service);
		agree(free0, free1, 50 * GB, "the 50 GB allocation");

		VramLease other = service.acquire("cuda:0", LeaseRequest.of("60 GB, needs eviction", 60 * GB).withPriority(Priority.INTERACTIVE)
				.withTimeout(Duration.ofSeconds(10)));
		check(big.state() == LeaseState.EVICTED, "the idle evictable 50 GB lease was evicted: " + big.state());
		long free2 = physical.freeBytes();
		report("after eviction (60 GB granted, not yet allocated)", free2, 0, service);
		agree(free0, free2, 0, "eviction returning the 50 GB");

		ComputeContext second = service.openContext(other);
		second.allocate(60 * GB);
		long free3 = physical.freeBytes();
		report("60 GB allocated", free3, 60 * GB, service);
		agree(free0, free3, 60 * GB, "the 60 GB allocation");

		other.close();
		long free4 = physical.freeBytes();
		report("after release", free4, 0, service);
		agree(free0, free4, 0, "release returning the 60 GB");
		kernel(service, Path.of(args.length > 0 ? args[0] : "vector_add.ptx"));
		check(service.leases().isEmpty(), "no lease left open");
		registry.shutdown();
		cuda.close();

		System.out.println(failures.isEmpty() ? "GPU VERIFICATION PASSED" : "GPU VERIFICATION FAILED: " + failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	/** Loads PTX through ComputeContext.loadModule, runs c = a + b on 16 M floats under a lease, checks every element. */
	private static void kernel(DeviceService service, Path ptx) throws Exception {
		int n = 1 << 24;
		long bytes = 4L * n;
		try (VramLease lease = service.acquire("cuda:0", LeaseRequest.of("vector_add", 3 * bytes)); VramLease.Use use = lease.use();
				ComputeContext ctx = service.openContext(lease); Arena arena = Arena.ofConfined()) {
			DeviceModule module = ctx.loadModule(Files.readAllBytes(ptx));
			DeviceFunction add = module.function("vector_add");
			MemorySegment a = arena.allocate(ValueLayout.JAVA_FLOAT, n);
			MemorySegment b = arena.allocate(ValueLayout.JAVA_FLOAT, n);
			MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, n);
			for (int i = 0; i < n; i++) {
				a.setAtIndex(ValueLayout.JAVA_FLOAT, i, i);
				b.setAtIndex(ValueLayout.JAVA_FLOAT, i, 2f * (i % 1000));
			}
			DeviceBuffer da = ctx.allocate(bytes);
			DeviceBuffer db = ctx.allocate(bytes);
			DeviceBuffer dc = ctx.allocate(bytes);
			da.write(0, a);
			db.write(0, b);
			DeviceStream stream = ctx.newStream();
			add.launch(Dim.of((n + 255) / 256), Dim.of(256), 0, stream, da, db, dc, n);
			stream.synchronize();
			dc.read(0, c);
			int wrong = 0;
			for (int i = 0; i < n; i++) {
				if (c.getAtIndex(ValueLayout.JAVA_FLOAT, i) != (float) i + 2f * (i % 1000)) {
					wrong++;
				}
			}
			check(wrong == 0, "vector_add from " + ptx.getFileName() + " (driver JIT) computed " + n + " sums, " + wrong + " wrong");
			module.close();
		}
	}

	private static void report(String step, long free, long allocated, DeviceService service) {
		System.out.printf(Locale.ROOT, "%-50s driver free %8.3f GB, allocated under leases %6.2f GB, granted %6.2f GB, budget %6.2f GB%n", step,
				free / 1e9, allocated / 1e9, service.status("cuda:0").grantedBytes() / 1e9, service.status("cuda:0").budgetBytes() / 1e9);
	}

	/** Driver free memory must equal the free memory before any lease minus what is allocated, within 1 %. */
	private static void agree(long baseline, long free, long allocated, String what) {
		double expected = baseline - allocated;
		double error = Math.abs(free - expected) / Math.max(allocated, (double) baseline);
		check(error <= 0.01, String.format(Locale.ROOT, "driver free agrees with the accounting after %s: %.3f GB vs %.3f GB (%.3f %%)", what,
				free / 1e9, expected / 1e9, error * 100));
	}

	private static void check(boolean ok, String what) {
		System.out.println((ok ? "  ok    " : "  FAIL  ") + what);
		if (!ok) {
			failures.add(what);
		}
	}
}
