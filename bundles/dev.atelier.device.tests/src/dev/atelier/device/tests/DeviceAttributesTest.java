package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

import dev.atelier.device.ComputeCapability;
import dev.atelier.device.Device;
import dev.atelier.device.Precision;
import dev.atelier.testing.devices.TestDevices;

class DeviceAttributesTest {

	@Test
	void precisionsFollowTheComputeCapability() {
		assertEquals(EnumSet.of(Precision.FP32, Precision.FP16, Precision.INT8), Precision.forCuda(new ComputeCapability(7, 5)));
		assertEquals(EnumSet.of(Precision.FP32, Precision.FP16, Precision.INT8, Precision.TF32, Precision.BF16),
				Precision.forCuda(new ComputeCapability(8, 6)));
		assertEquals(EnumSet.allOf(Precision.class), Precision.forCuda(new ComputeCapability(8, 9)));
		assertEquals(EnumSet.allOf(Precision.class), Precision.forCuda(new ComputeCapability(9, 0)));
	}

	@Test
	void consumersAskTheDeviceInsteadOfItsBackend() {
		Device gpu = TestDevices.cuda(1);
		assertTrue(gpu.runsCudaModules() && !gpu.hostMemory());
		assertEquals(1, gpu.ordinal());
		assertTrue(gpu.onPciBus("00000000:02:00.0"), "NVML's eight-digit domain names the same bus as CUDA's four");
		assertTrue(gpu.onPciBus("0000:02:00.0") && !gpu.onPciBus("0000:03:00.0"));
		Device cpu = TestDevices.cpu();
		assertTrue(cpu.hostMemory() && !cpu.runsCudaModules());
		assertTrue(!cpu.onPciBus("0000:00:00.0"), "the CPU is on no PCI bus");
		Device simulated = TestDevices.simulated("card", 24L << 30);
		assertTrue(!simulated.runsCudaModules() && !simulated.hostMemory(), "a simulated card runs no CUDA but its memory is leased");
	}

	@Test
	void computeCapabilityParsesAndRejectsNonsense() {
		assertEquals(new ComputeCapability(12, 0), ComputeCapability.parse("12.0"));
		assertTrue(ComputeCapability.parse("8.9").atLeast(8, 0));
		assertThrows(IllegalArgumentException.class, () -> ComputeCapability.parse("eight"));
	}
}
