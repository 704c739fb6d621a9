package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.device.ComputeCapability;
import dev.atelier.device.Device;
import dev.atelier.device.Precision;
import dev.atelier.device.internal.SimulatedDevice;

class DeviceAttributesTest {

	@Test
	void rtx4090PeaksMatchItsDataSheetFromItsAttributes() {
		Device d = SimulatedDevice.of("rtx4090").device();
		assertEquals("sim:rtx4090", d.id());
		assertEquals(24L << 30, d.totalBytes());
		assertEquals(128, d.multiprocessors());
		assertEquals("8.9", d.computeCapability().toString());
		assertEquals(1008.0, d.peakMemoryBandwidth() / 1e9, 1.0, "2 × 10501 MHz × 384 bit / 8");
		assertEquals(82.6, d.peakFp32Flops() / 1e12, 0.1, "128 SMs × 128 lanes × 2 × 2.52 GHz");
		assertEquals(330.3, d.peakFp16TensorFlops() / 1e12, 0.1, "128 SMs × 1024 × 2.52 GHz");
	}

	@Test
	void h100PeaksFollowHopperRates() {
		Device d = SimulatedDevice.of("h100").device();
		assertEquals(3352.0, d.peakMemoryBandwidth() / 1e9, 1.0, "2 × 2619 MHz × 5120 bit / 8");
		assertEquals(66.9, d.peakFp32Flops() / 1e12, 0.1);
		assertEquals(1070.5, d.peakFp16TensorFlops() / 1e12, 0.1);
	}

	@Test
	void precisionsFollowTheComputeCapability() {
		assertEquals(EnumSet.of(Precision.FP32, Precision.FP16, Precision.INT8), Precision.forCuda(new ComputeCapability(7, 5)));
		assertEquals(EnumSet.of(Precision.FP32, Precision.FP16, Precision.INT8, Precision.TF32, Precision.BF16),
				Precision.forCuda(new ComputeCapability(8, 6)));
		assertEquals(EnumSet.allOf(Precision.class), Precision.forCuda(new ComputeCapability(8, 9)));
		assertEquals(EnumSet.allOf(Precision.class), Precision.forCuda(new ComputeCapability(9, 0)));
	}

	@Test
	void kernelCompatibilityNeedsCuda13AndTuringOrNewer() {
		Device h100 = new Device("cuda:0", "H100", dev.atelier.device.Backend.CUDA, new ComputeCapability(9, 0), 132, 1_980_000, 2_619_000, 5120,
				80L << 30, 0, "580.159.04", "13.0");
		assertTrue(h100.kernelIncompatibility().isEmpty());
		Device oldDriver = new Device("cuda:0", "RTX 4090", dev.atelier.device.Backend.CUDA, new ComputeCapability(8, 9), 128, 2_520_000,
				10_501_000, 384, 24L << 30, 0, "550.54.14", "12.4");
		assertEquals("the driver 550.54.14 supports CUDA 12.4; Atelier's kernels are built with CUDA 13 and need driver 580 or newer",
				oldDriver.kernelIncompatibility().orElseThrow());
		Device pascal = new Device("cuda:0", "GTX 1080", dev.atelier.device.Backend.CUDA, new ComputeCapability(6, 1), 20, 1_733_000,
				5_005_000, 256, 8L << 30, 0, "580.159.04", "13.0");
		assertTrue(pascal.kernelIncompatibility().orElseThrow().startsWith("compute capability 6.1 is older than 7.5"));
		assertTrue(SimulatedDevice.of("rtx4090").device().kernelIncompatibility().isEmpty(), "simulated devices run no kernels");
	}

	@Test
	void simulatedDeviceRefusesKernelsAndDataByName() {
		var context = SimulatedDevice.of("rtx4090").open();
		assertEquals("sim:rtx4090 is simulated: it runs no kernels",
				assertThrows(UnsupportedOperationException.class, () -> context.loadModule(new byte[] { 1 })).getMessage());
		assertEquals("sim:rtx4090 is simulated: it keeps books, not data", assertThrows(UnsupportedOperationException.class,
				() -> context.copyToDevice(0, 0, java.lang.foreign.MemorySegment.ofArray(new byte[4]))).getMessage());
	}

	@Test
	void unknownProfileNamesTheKnownOnes() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimulatedDevice.of("rtx9090"));
		assertEquals("unknown simulation profile 'rtx9090'; known: a6000, h100, rtx3090, rtx4090", e.getMessage());
		assertEquals(List.of("a6000", "h100", "rtx3090", "rtx4090"), SimulatedDevice.profiles());
	}

	@Test
	void computeCapabilityParsesAndRejectsNonsense() {
		assertEquals(new ComputeCapability(12, 0), ComputeCapability.parse("12.0"));
		assertTrue(ComputeCapability.parse("8.9").atLeast(8, 0));
		assertThrows(IllegalArgumentException.class, () -> ComputeCapability.parse("eight"));
	}
}
