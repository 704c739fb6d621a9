package dev.atelier.bench.internal;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchResult;
import dev.atelier.bench.Harness;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;

/** Runs the chosen suites, then the PyTorch reference for what it can compare, and assembles the report. */
final class BenchRunner {

	/**
	 * @param suite    gpu, cpu or all
	 * @param deviceId the GPU suite's device; null for the first CUDA device
	 */
	record Options(String suite, String deviceId, int warmup, int runs, boolean reference, GpuSuite.Sizes gpuSizes, CpuSuite.Sizes cpuSizes,
			TorchReference torch) {

		static Options defaults(String suite) {
			return new Options(suite, null, 3, 10, true, GpuSuite.Sizes.DEFAULT, CpuSuite.Sizes.DEFAULT, TorchReference.python3());
		}
	}

	private BenchRunner() {
	}

	static BenchReport run(DeviceService devices, Options options, JobContext job) throws InterruptedException {
		String started = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
		Harness harness = new Harness(options.warmup(), options.runs(), job);
		List<BenchResult> results = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		List<String> failures = new ArrayList<>();
		List<String> described = new ArrayList<>();
		String reference = null;
		if (!options.suite().equals("cpu")) {
			Optional<Device> gpu = options.deviceId() != null ? devices.device(options.deviceId())
					: devices.devices().stream().filter(Device::runsCudaModules).findFirst();
			if (options.deviceId() != null && gpu.isEmpty()) {
				throw new IllegalArgumentException("no device '" + options.deviceId() + "'; devices: "
						+ String.join(", ", devices.devices().stream().map(Device::id).toList()));
			}
			if (gpu.isEmpty()) {
				skipped.add("gpu suite: skipped: no CUDA device");
			} else {
				described.add(describe(gpu.get()));
				GpuSuite suite = new GpuSuite(devices, gpu.get(), options.gpuSizes(), harness, job);
				suite.run();
				skipped.addAll(suite.skipped());
				failures.addAll(suite.failures());
				List<BenchResult> gpuResults = suite.results();
				if (options.reference() && !suite.references().isEmpty() && gpu.get().runsCudaModules()) {
					job.begin("PyTorch reference", -1);
					TorchReference.Outcome outcome = options.torch().run(suite.references(), options.warmup(), options.runs());
					reference = outcome.description();
					gpuResults = withReferences(gpuResults, outcome.millis());
				} else if (!options.reference()) {
					reference = "not run (--no-reference)";
				}
				results.addAll(gpuResults);
			}
		}
		if (!options.suite().equals("gpu")) {
			Device cpu = devices.device("cpu").orElseThrow(() -> new IllegalStateException("the device service has no cpu device"));
			described.add(describe(cpu));
			CpuSuite suite = new CpuSuite(cpu, options.cpuSizes(), harness, job);
			try {
				suite.run();
			} catch (dev.atelier.core.jobs.JobCancelledException e) {
				throw e;
			} catch (RuntimeException | LinkageError e) {
				failures.add("cpu: " + e);
			}
			results.addAll(suite.results());
		}
		return new BenchReport(started, described, results, skipped, failures, reference);
	}

	static List<BenchResult> withReferences(List<BenchResult> results, Map<String, Double> referenceMillis) {
		return results.stream().map(r -> referenceMillis.containsKey(r.name()) ? r.withReferenceMillis(referenceMillis.get(r.name())) : r).toList();
	}

	static String describe(Device d) {
		return d.hostMemory()
				? String.format(Locale.ROOT, "%s  %s, %d cores, %d-bit SIMD, %.0f MHz", d.id(), d.name(), d.multiprocessors(), d.simdWidthBits(),
						d.coreClockKHz() / 1e3)
				: String.format(Locale.ROOT, "%s  %s, compute %s, %d SMs, %.0f MHz, memory %.0f MHz × %d bit, driver %s, CUDA %s", d.id(), d.name(),
						d.computeCapability(), d.multiprocessors(), d.coreClockKHz() / 1e3, d.memoryClockKHz() / 1e3, d.memoryBusWidthBits(),
						d.driverVersion(), d.cudaVersion());
	}
}
