package dev.atelier.device.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.atelier.device.Backend;
import dev.atelier.device.Device;

class DevicesPeaksTest {

	@Test
	void aCpuWithoutAKnownMemoryBandwidthSaysSoInsteadOfZero() {
		Device cpu = new Device("cpu", "a CPU", Backend.CPU, 0, null, 16, 2_100_000, 0, 0, 64L << 30, 512, "", "", "");
		String peaks = DevicesCommand.peaks(cpu);
		assertEquals("memory bandwidth unknown, " + String.format(java.util.Locale.ROOT, "%.1f TFLOP/s FP32", cpu.peakFp32Flops() / 1e12)
				+ ", no FP16 tensor units", peaks);
	}
}
