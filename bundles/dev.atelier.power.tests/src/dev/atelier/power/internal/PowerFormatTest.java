package dev.atelier.power.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.atelier.device.DeviceService;
import dev.atelier.power.Metric;
import dev.atelier.power.PowerTables;
import dev.atelier.power.Sample;
import dev.atelier.power.ThrottleReason;
import dev.atelier.testing.Services;

class PowerFormatTest {

	@Test
	void csvHeaderUsesNvidiaSmiFieldNamesAndRowsMatchIt() {
		String header = PowerTables.csvHeader();
		assertTrue(header.startsWith("timestamp, index, name, power.draw, power.limit, enforced.power.limit, "), header);
		assertTrue(header.contains(", temperature.gpu, ") && header.contains(", clocks.sm, ") && header.contains(", clocks.mem, ")
				&& header.contains(", utilization.gpu, ") && header.contains(", memory.used, "), header);
		Sample s = new Sample("cuda:0", "NVIDIA H100 80GB HBM3", 0, Map.of(Metric.POWER_DRAW, 71.5, Metric.TEMPERATURE_GPU, 31.0, Metric.PSTATE, 0.0,
				Metric.CLOCKS_EVENT_REASONS, 4.0));
		String[] cells = PowerTables.csvRow(s).split(", ");
		assertEquals(header.split(", ").length, cells.length);
		assertEquals("cuda:0", cells[1]);
		assertEquals("71.50", cells[3]);
		assertEquals("[N/A]", cells[4], "a field the GPU lacks is unavailable, not an error");
		assertEquals("31", cells[List.of(header.split(", ")).indexOf("temperature.gpu")]);
		assertEquals("P0", cells[List.of(header.split(", ")).indexOf("pstate")]);
		assertEquals("0x0000000000000004", cells[List.of(header.split(", ")).indexOf("clocks_event_reasons.active")]);
	}

	@Test
	void throttleReasonsDecodeToNames() {
		assertEquals(List.of(ThrottleReason.SW_POWER_CAP, ThrottleReason.HW_THERMAL_SLOWDOWN), ThrottleReason.decode(0x44L | 0x10000L));
		assertTrue(ThrottleReason.SW_POWER_CAP.limitsPerformance());
		assertEquals(List.of("GPU_IDLE"), PowerTables.json(new Sample("x", "x", 0, Map.of(Metric.CLOCKS_EVENT_REASONS, 1.0)))
				.get("clocks_event_reasons.names"));
	}

	@Test
	void nvmlStructLayoutsMatchTheHeader() {
		assertEquals(8, Nvml.UTILIZATION.byteSize(), "nvmlUtilization_t: two unsigned ints");
		assertEquals(4, Nvml.UTILIZATION.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("memory")));
		assertEquals(24, Nvml.MEMORY.byteSize(), "nvmlMemory_t: three unsigned long longs");
		assertEquals(16, Nvml.MEMORY.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("used")));
		assertEquals(40, Nvml.MEMORY_V2.byteSize(), "nvmlMemory_v2_t: version (padded to 8) and four unsigned long longs");
		assertEquals(32, Nvml.MEMORY_V2.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("used")));
		assertEquals(0x02000028, Nvml.MEMORY_V2_VERSION, "NVML_STRUCT_VERSION(Memory, 2)");
		assertEquals(24, Nvml.PROCESS_INFO.byteSize(), "nvmlProcessInfo_t: pid (padded), usedGpuMemory, two instance ids");
		assertEquals(8, Nvml.PROCESS_INFO.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("usedGpuMemory")));
		assertEquals(40, Nvml.FIELD_VALUE.byteSize(), "nvmlFieldValue_t: two ints, two long longs, two enums, an 8-byte union");
		assertEquals(24, Nvml.FIELD_VALUE.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("valueType")));
		assertEquals(28, Nvml.FIELD_VALUE.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("nvmlReturn")));
		assertEquals(32, Nvml.FIELD_VALUE.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("value")));
	}

	@Test
	void nvmlFieldValuesDecodeByTheirTypeAndFailedFieldsAreUnavailable() {
		try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
			java.lang.foreign.MemorySegment f = arena.allocate(Nvml.FIELD_VALUE);
			f.set(java.lang.foreign.ValueLayout.JAVA_INT, 24, 1); // unsigned int
			f.set(java.lang.foreign.ValueLayout.JAVA_INT, 32, 0xFFFF_FFFE);
			assertEquals(4294967294.0, Nvml.fieldValue(f).getAsDouble());
			f.set(java.lang.foreign.ValueLayout.JAVA_INT, 24, 0); // double
			f.set(java.lang.foreign.ValueLayout.JAVA_DOUBLE, 32, 41.5);
			assertEquals(41.5, Nvml.fieldValue(f).getAsDouble());
			f.set(java.lang.foreign.ValueLayout.JAVA_INT, 24, 3); // unsigned long long
			f.set(java.lang.foreign.ValueLayout.JAVA_LONG, 32, -1L);
			assertEquals(0x1p64 - 1, Nvml.fieldValue(f).getAsDouble(), 1e4);
			f.set(java.lang.foreign.ValueLayout.JAVA_INT, 24, 4); // signed long long
			assertEquals(-1, Nvml.fieldValue(f).getAsDouble());
			f.set(java.lang.foreign.ValueLayout.JAVA_INT, 28, Nvml.ERROR_NOT_SUPPORTED);
			assertTrue(Nvml.fieldValue(f).isEmpty(), "a field the GPU refused has no value");
		}
	}

	@Test
	void nvmlReturnCodesMapToNamesAndUnsupportedFieldsAreUnavailable() {
		assertEquals("NVML_ERROR_NOT_SUPPORTED", Nvml.name(3));
		assertEquals("NVML_ERROR_GPU_IS_LOST", Nvml.name(15));
		assertEquals("NVML error 77", Nvml.name(77));
		assertTrue(NvmlTelemetry.ok("cuda:0", Nvml.SUCCESS));
		assertEquals(false, NvmlTelemetry.ok("cuda:0", Nvml.ERROR_NOT_SUPPORTED));
		assertEquals(false, NvmlTelemetry.ok("cuda:0", Nvml.ERROR_NO_PERMISSION));
		assertEquals("cuda:0 is lost (NVML_ERROR_GPU_IS_LOST): it fell off the bus or was reset",
				assertThrows(dev.atelier.power.TelemetryException.class, () -> NvmlTelemetry.ok("cuda:0", Nvml.ERROR_GPU_IS_LOST)).getMessage());
	}

	@Test
	void withoutNvmlThereAreNoNvidiaDevicesAndTheReasonIsGiven() throws InterruptedException {
		// NVML's GPUs are named after the device service's CUDA devices on the same PCI bus
		NvmlTelemetry nvml = new NvmlTelemetry(Services.await(PowerFormatTest.class, DeviceService.class)::devices);
		if (!java.nio.file.Files.exists(java.nio.file.Path.of("/dev/nvidiactl"))) {
			assertTrue(nvml.deviceIds().isEmpty());
			assertTrue(nvml.absence().orElseThrow().contains("libnvidia-ml.so.1"));
		} else {
			assertTrue(nvml.absence().isEmpty() && !nvml.deviceIds().isEmpty(), "an NVIDIA machine lists its GPUs");
		}
	}
}
