package dev.atelier.device.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import dev.atelier.device.Backend;
import dev.atelier.device.Device;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.spi.PhysicalDevice;

class CpuDeviceTest {

	private static final String CPUINFO = """
			processor	: 0
			vendor_id	: AuthenticAMD
			model name	: AMD Ryzen 9 7950X 16-Core Processor
			cpu MHz		: 4500.000
			flags		: fpu sse2 avx avx2 avx512f

			processor	: 1
			model name	: AMD Ryzen 9 7950X 16-Core Processor
			cpu MHz		: 5700.000
			flags		: fpu sse2 avx avx2 avx512f
			""";
	private static final String MEMINFO = "MemTotal:       65536000 kB\nMemFree:        1000 kB\nMemAvailable:   32768000 kB\n";

	@Test
	void describesTheCpuFromProcFiles() {
		Device d = CpuDevice.describe(CPUINFO, MEMINFO, 0, 32);
		assertEquals("cpu", d.id());
		assertEquals(Backend.CPU, d.backend());
		assertEquals("AMD Ryzen 9 7950X 16-Core Processor", d.name());
		assertEquals(32, d.multiprocessors());
		assertEquals(512, d.simdWidthBits());
		assertEquals(5_700_000, d.coreClockKHz(), "the highest clock seen when cpufreq is missing");
		assertEquals(65_536_000L * 1024, d.totalBytes());
		assertEquals(32 * 16 * 2 * 2 * 5.7e9, d.peakFp32Flops(), 1e6, "cores × 16 FP32 lanes × 2 FMA pipes × 2 × clock");
	}

	@Test
	void sysfsMaximumFrequencyWinsAndAvx2IsSeen() {
		Device d = CpuDevice.describe(CPUINFO.replace(" avx512f", ""), MEMINFO, 5_881_000, 32);
		assertEquals(5_881_000, d.coreClockKHz());
		assertEquals(256, d.simdWidthBits());
	}

	@Test
	void thisMachinesCpuIsADeviceWithRealMemory() {
		CpuDevice cpu = new CpuDevice();
		assertEquals(1, cpu.devices().size());
		assertTrue(cpu.device().totalBytes() > 1L << 30);
		assertTrue(cpu.freeBytes() > 0 && cpu.freeBytes() <= cpu.device().totalBytes());
		try (PhysicalDevice.NativeContext ctx = cpu.open(); Arena arena = Arena.ofConfined()) {
			long address = ctx.allocate(1 << 20);
			assertNotEquals(0, address);
			MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_INT, 1, 2, 3, 4);
			MemorySegment out = arena.allocate(16);
			ctx.copyToDevice(address, 64, in);
			ctx.copyToHost(address, 64, out);
			assertEquals(3, out.getAtIndex(ValueLayout.JAVA_INT, 2));
			ctx.free(address, 1 << 20);
		}
	}
}
