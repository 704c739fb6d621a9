package dev.atelier.compute.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.testing.Services;
import dev.atelier.testing.devices.TestDevices;

class ComputeRuntimeServiceTest {

	@Test
	void theCpuDeviceGetsTheCpuBackendWithItsThreads() throws Exception {
		ComputeRuntime runtime = Services.await(ComputeRuntimeService.class, ComputeRuntime.class);
		DeviceService devices = Services.await(ComputeRuntimeService.class, DeviceService.class);
		try (VramLease lease = devices.acquire("cpu", LeaseRequest.of("runtime test", 1 << 20)); ComputeContext context = devices.openContext(lease);
				Compute compute = runtime.open(context, 2)) {
			assertTrue(compute.description().matches("cpu: Vector API \\d+-bit, (native int8 kernels: [^,]+, )?2 threads"), compute.description());
			assertEquals(context.device(), compute.device());
		}
		assertTrue(runtime.describe(TestDevices.cpu()).startsWith("CPU backend: Vector API "), runtime.describe(TestDevices.cpu()));
	}

	@Test
	void aCudaDeviceWhoseDriverIsTooOldIsRefusedNamingItBeforeTheContextIsTouched() {
		ComputeContext gpu = (ComputeContext) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ComputeContext.class },
				(proxy, method, args) -> {
					if (method.getName().equals("device")) {
						return TestDevices.cuda(0, "12.4", 9, 0);
					}
					throw new AssertionError("the runtime touched the GPU's context: " + method.getName());
				});
		UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> new ComputeRuntimeService().open(gpu, 1));
		assertTrue(e.getMessage().startsWith("cuda:0: the driver 580.65.06 supports CUDA 12.4"), e.getMessage());
	}

	@Test
	void aCudaDeviceIsDescribedWithTheKernelsItRunsAndWhetherCublasWasFound() {
		String described = new ComputeRuntimeService().describe(TestDevices.cuda(0));
		assertTrue(described.startsWith("Atelier kernels sm_90 + cuBLAS ") || described.startsWith("Atelier kernels sm_90 (no cuBLAS: "), described);
	}
}
