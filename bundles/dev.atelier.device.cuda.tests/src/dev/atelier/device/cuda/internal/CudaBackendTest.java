package dev.atelier.device.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.atelier.device.Backend;

/** What runs without a GPU; the GPU paths are verified on the GPU host (docs/gpu-verification.md). */
class CudaBackendTest {

	@Test
	void driverErrorsNameTheCallTheDeviceAndTheError() {
		CudaException e = assertThrows(CudaException.class, () -> CudaException.check(2, "cuMemAlloc(53687091200)", "cuda:0"));
		assertEquals("cuMemAlloc(53687091200) on cuda:0 failed: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
		assertEquals(2, e.result());
	}

	@Test
	void withoutADriverThereAreNoCudaDevicesAndNoException() {
		CudaDevices cuda = new CudaDevices();
		if (Files.exists(Path.of("/dev/nvidia0"))) {
			assertFalse(cuda.devices().isEmpty(), "a GPU machine lists its GPUs");
			assertTrue(cuda.devices().stream().allMatch(d -> d.device().backend() == Backend.CUDA));
		} else {
			assertTrue(cuda.devices().isEmpty(), "no NVIDIA device node, no CUDA devices");
		}
		cuda.close();
	}
}
