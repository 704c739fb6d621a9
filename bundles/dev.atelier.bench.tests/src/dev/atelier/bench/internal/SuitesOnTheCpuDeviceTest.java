package dev.atelier.bench.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.bench.BenchReport;
import dev.atelier.bench.BenchResult;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.testing.Services;
import dev.atelier.testing.RecordingJobContext;

/**
 * In the OSGi runtime with the real device service: the GPU suite's code paths on the CPU device (transfers through
 * host buffers and marks; kernel benchmarks skipped with the reason), and the CPU suite, at small sizes.
 */
class SuitesOnTheCpuDeviceTest {

	private static final GpuSuite.Sizes TINY_GPU = new GpuSuite.Sizes(1 << 20, 1 << 20, 16, 16, new int[] { 128 }, 64, 32, 10, 1 << 20, 100);
	private static final CpuSuite.Sizes TINY_CPU = new CpuSuite.Sizes(1 << 20, 16, new int[] { 64, 128 });

	private static DeviceService devices() throws InterruptedException {
		return Services.await(GpuSuite.class, DeviceService.class);
	}

	/** No python3 here: the PyTorch reference is never run. */
	@TempDir
	static Path noPython;

	private static BenchRunner.Options options(String suite, String device) {
		return new BenchRunner.Options(suite, device, 1, 3, true, TINY_GPU, TINY_CPU, new TorchReference(List.of(noPython.resolve("python3").toString()), 10));
	}

	@Test
	void gpuSuiteOnTheCpuDeviceMeasuresTransfersAndNamesWhatItSkips() throws Exception {
		BenchReport report = BenchRunner.run(devices(), options("gpu", "cpu"), new RecordingJobContext());
		assertEquals(List.of(), report.failures());
		Set<String> names = report.results().stream().map(BenchResult::name).collect(Collectors.toSet());
		assertTrue(names.containsAll(Set.of("device-to-device copy 1 MiB", "host-to-device unpinned 1 MiB", "device-to-host pageable 1 MiB",
				"device-service lease (acquire + release)")), names.toString());
		assertTrue(report.results().stream().allMatch(r -> r.value() > 0 && Double.isFinite(r.value())), report.table());
		assertTrue(report.skipped().contains("gpu FP16 GEMM: skipped: the CPU device runs Java code, not CUDA modules"), report.skipped().toString());
		assertEquals(7, report.skipped().size(), "every benchmark that needs kernels is skipped: " + report.skipped());
		assertEquals(null, report.reference(), "PyTorch is a reference for CUDA devices only");
	}

	@Test
	void withoutACudaDeviceTheGpuSuiteIsSkippedAndTheCpuSuiteRuns() throws Exception {
		DeviceService devices = devices();
		BenchReport report = BenchRunner.run(devices, options("all", null), new RecordingJobContext());
		boolean gpu = devices.devices().stream().anyMatch(Device::runsCudaModules);
		assertEquals(!gpu, report.skipped().contains("gpu suite: skipped: no CUDA device"), report.skipped().toString());
		List<BenchResult> sgemm = report.results().stream().filter(r -> r.group().equals("cpu-gemm")).toList();
		assertEquals(List.of("Vector-API SGEMM 64", "Vector-API SGEMM 128"), sgemm.stream().map(BenchResult::name).toList());
		assertTrue(sgemm.stream().allMatch(r -> r.unit().equals("GFLOP/s") && r.percentOfPeak() != null && r.percentOfPeak() > 0), report.table());
		assertTrue(report.results().stream().anyMatch(r -> r.name().startsWith("Java STREAM triad")), report.table());
		assertEquals(List.of(), report.failures());
	}

	@Test
	void anUnknownDeviceIsRefusedNamingTheKnownOnes() throws Exception {
		IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
				() -> BenchRunner.run(devices(), options("gpu", "cuda:7"), new RecordingJobContext()));
		assertTrue(e.getMessage().startsWith("no device 'cuda:7'; devices: ") && e.getMessage().contains("cpu"), e.getMessage());
	}
}
