package dev.atelier.device.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.testing.TestEnvironment;
import dev.atelier.testing.devices.TestDevices;

/** {@code atelier doctor}'s driver and GPU findings for each answer device discovery can get. */
class CudaDriverCheckTest {

	@Test
	void noDriverLibraryIsAProblemWhoseFixInstallsTheDriver() {
		List<Finding> found = CudaDriverCheck.findings(CudaDriverCheck.Discovery.notLoaded("libcuda.so.1: cannot open shared object file", ""), List.of());
		assertEquals(1, found.size());
		Finding driver = found.get(0);
		assertFalse(driver.ok());
		assertEquals("NVIDIA driver", driver.subject());
		assertTrue(driver.detail().startsWith("no NVIDIA driver: libcuda.so.1 cannot be loaded"), driver.detail());
		assertTrue(driver.fix().contains("580") && driver.fix().contains("--gpus all"), driver.fix());
	}

	@Test
	void aDriverWithoutGpusIsAProblemAboutTheGpusNotTheDriver() {
		List<Finding> found = CudaDriverCheck.findings(CudaDriverCheck.Discovery.initFailed(CudaDriverCheck.NO_DEVICE, "CUDA_ERROR_NO_DEVICE", "580.65.06"),
				List.of());
		assertEquals("GPUs", found.get(0).subject());
		assertFalse(found.get(0).ok());
		assertTrue(found.get(0).detail().contains("580.65.06") && found.get(0).detail().contains("CUDA_ERROR_NO_DEVICE"), found.get(0).detail());
		assertTrue(found.get(0).fix().contains("CUDA_VISIBLE_DEVICES"), found.get(0).fix());
	}

	@Test
	void aKernelModuleThatDiffersFromItsLibraryAsksForAReboot() {
		Finding f = CudaDriverCheck.findings(CudaDriverCheck.Discovery.initFailed(CudaDriverCheck.DRIVER_MISMATCH, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", "575.51"),
				List.of()).get(0);
		assertFalse(f.ok());
		assertTrue(f.fix().startsWith("reboot"), f.fix());
	}

	@Test
	void aWorkingDriverReportsItsVersionsAndEachGpu() {
		List<Finding> found = CudaDriverCheck.findings(CudaDriverCheck.Discovery.answered("580.65.06", "13.0"),
				List.of(TestDevices.cuda(0), TestDevices.cuda(1)));
		assertEquals(List.of(Finding.ok("NVIDIA driver", "580.65.06, CUDA 13.0"),
				Finding.ok("GPUs", "cuda:0 GPU cuda:0, 80 GiB, compute 9.0; cuda:1 GPU cuda:1, 80 GiB, compute 9.0")), found);
	}

	@Test
	void discoveryThatStoppedKeepsTheDriverFindingAndReportsTheGpuProblem() {
		List<Finding> found = CudaDriverCheck.findings(
				CudaDriverCheck.Discovery.stopped("cuDeviceGetName on cuda:0 failed: CUDA_ERROR_UNKNOWN (999)", "", "13.0"), List.of());
		assertTrue(found.get(0).ok());
		assertTrue(found.get(0).detail().startsWith("version not readable"), found.get(0).detail());
		assertFalse(found.get(1).ok());
		assertTrue(found.get(1).detail().contains("CUDA_ERROR_UNKNOWN"), found.get(1).detail());
	}

	@Test
	void thisMachinesDiscoveryIsReportedAsADoctorFinding() {
		CudaDevices cuda = new CudaDevices();
		List<Finding> found = cuda.run(TestEnvironment.at(Path.of("/tmp/ws")));
		if (Files.exists(Path.of("/dev/nvidia0"))) {
			assertTrue(found.stream().anyMatch(f -> f.subject().equals("GPUs") && f.ok()), found.toString());
		} else {
			assertFalse(found.get(0).ok(), found.toString());
			assertTrue(found.get(0).fix() != null, found.toString());
		}
		cuda.close();
	}
}
