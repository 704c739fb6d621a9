package dev.atelier.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.device.ComputeCapability;
import dev.atelier.device.Device;
import dev.atelier.kernels.internal.KernelsDeviceNote;
import dev.atelier.testing.devices.TestDevices;

/** The kernels' build matrix (CUDA 13, sm_75 and newer) against devices, and the note `atelier devices` shows. */
class KernelCompatibilityTest {

	@Test
	void kernelCompatibilityNeedsCuda13AndTuringOrNewer() {
		Device h100 = TestDevices.cuda(0, "H100", new ComputeCapability(9, 0), 132, 1_980_000, 2_619_000, 5120, 80L << 30, "580.159.04", "13.0");
		assertTrue(Kernels.incompatibility(h100).isEmpty());
		Device oldDriver = TestDevices.cuda(0, "RTX 4090", new ComputeCapability(8, 9), 128, 2_520_000, 10_501_000, 384, 24L << 30, "550.54.14",
				"12.4");
		assertEquals("the driver 550.54.14 supports CUDA 12.4; Atelier's kernels are built with CUDA 13 and need driver 580 or newer",
				Kernels.incompatibility(oldDriver).orElseThrow());
		Device pascal = TestDevices.cuda(0, "GTX 1080", new ComputeCapability(6, 1), 20, 1_733_000, 5_005_000, 256, 8L << 30, "580.159.04", "13.0");
		assertTrue(Kernels.incompatibility(pascal).orElseThrow().startsWith("compute capability 6.1 is older than 7.5"));
		assertTrue(Kernels.incompatibility(TestDevices.simulated("rtx4090", 24L << 30)).isEmpty(), "simulated devices run no kernels");
		assertTrue(Kernels.incompatibility(TestDevices.cpu()).isEmpty(), "nor does the CPU");
	}

	@Test
	void theDeviceNoteWarnsOfWhatTheKernelsCannotRunOn() {
		Device oldDriver = TestDevices.cuda(0, "12.4", 8, 9);
		assertEquals(Kernels.incompatibility(oldDriver), new KernelsDeviceNote().warning(oldDriver));
		assertTrue(new KernelsDeviceNote().warning(TestDevices.cuda(0)).isEmpty());
	}
}
