import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.device.sim.internal.SimulatedCards;

/**
 * Benchmark: lease acquire + release latency at 1, 8 and 64 threads, each thread taking small leases (64 MiB)
 * in a loop, on the simulated RTX 4090 and, where there is one, on cuda:0 (whose budget asks the driver for
 * free memory on every admission). Prints median and p99 per operation and the aggregate throughput.
 * Usage: java -cp … LeaseLatency [iterationsPerThread]
 */
public final class LeaseLatency {

	public static void main(String[] args) throws Exception {
		int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		SimulatedCards simulated = new SimulatedCards();
		registry.addProvider(simulated);
		registry.resolve("sim:rtx4090");
		try {
			registry.addProvider(new CudaDevices());
		} catch (LinkageError e) {
			System.out.println("(no CUDA: " + e + ")");
		}
		DeviceService service = BundleDeviceService.forBundle(registry, "bench");
		System.out.printf(Locale.ROOT, "%-12s %8s %12s %12s %16s%n", "device", "threads", "median µs", "p99 µs", "ops/s total");
		for (String device : service.devices().stream().map(d -> d.id()).filter(id -> !id.equals("cpu")).toList()) {
			for (int threads : new int[] { 1, 8, 64 }) {
				run(service, device, threads, Math.max(200, iterations / 10), false);
				run(service, device, threads, iterations, true);
			}
		}
		registry.shutdown();
		System.exit(0);
	}

	private static void run(DeviceService service, String device, int threads, int iterations, boolean print) throws Exception {
		long[][] samples = new long[threads][iterations];
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(threads);
		LeaseRequest request = LeaseRequest.of("bench", 64L << 20);
		for (int t = 0; t < threads; t++) {
			long[] mine = samples[t];
			Thread.ofPlatform().start(() -> {
				try {
					start.await();
					for (int i = 0; i < iterations; i++) {
						long t0 = System.nanoTime();
						VramLease lease = service.acquire(device, request);
						lease.close();
						mine[i] = System.nanoTime() - t0;
					}
				} catch (Exception e) {
					throw new IllegalStateException(e);
				} finally {
					done.countDown();
				}
			});
		}
		long t0 = System.nanoTime();
		start.countDown();
		done.await();
		double seconds = (System.nanoTime() - t0) / 1e9;
		long[] all = Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
		if (print) {
			System.out.printf(Locale.ROOT, "%-12s %8d %12.2f %12.2f %16.0f%n", device, threads, all[all.length / 2] / 1e3,
					all[(int) (all.length * 0.99)] / 1e3, all.length / seconds);
		}
	}
}
