package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.testing.devices.FakeDeviceService;
import dev.atelier.testing.devices.TestDevices;

class DeviceListTest {

	private static final DeviceService TWO_GPUS = FakeDeviceService.of(TestDevices.cuda(0), TestDevices.cuda(1), TestDevices.cpu(),
			TestDevices.simulated("rtx4090", 24L << 30));

	private static List<String> ids(DeviceService service, String list) {
		return service.resolveAll(list).stream().map(Device::id).toList();
	}

	@Test
	void aListNamesItsDevicesInTheOrderGivenAndAllNamesEveryGpu() {
		assertEquals(List.of("cuda:1", "cpu", "sim:rtx4090"), ids(TWO_GPUS, " cuda:1, cpu ,sim:rtx4090"));
		assertEquals(List.of("cuda:0", "cuda:1"), ids(TWO_GPUS, "all"));
		assertEquals(List.of("cuda:0"), ids(TWO_GPUS, "cuda:0"));
	}

	@Test
	void aListThatCannotBeMeantIsRefusedSayingWhy() {
		assertEquals("'cuda:0,cuda:0' names cuda:0 twice",
				assertThrows(IllegalArgumentException.class, () -> TWO_GPUS.resolveAll("cuda:0,cuda:0")).getMessage());
		assertEquals("'cuda:0,,cpu' has an empty entry; give ids separated by commas, or all",
				assertThrows(IllegalArgumentException.class, () -> TWO_GPUS.resolveAll("cuda:0,,cpu")).getMessage());
		assertEquals("'auto' cannot be one entry of a list; give ids separated by commas, or all alone",
				assertThrows(IllegalArgumentException.class, () -> TWO_GPUS.resolveAll("cuda:0,auto")).getMessage());
		assertEquals("no device 'cuda:7'; known: cuda:0, cuda:1, cpu, sim:rtx4090",
				assertThrows(IllegalArgumentException.class, () -> TWO_GPUS.resolveAll("cuda:0,cuda:7")).getMessage());
		assertEquals("'all' names every CUDA GPU and there is none; name the devices instead (cpu)",
				assertThrows(IllegalArgumentException.class, () -> FakeDeviceService.of(TestDevices.cpu()).resolveAll("all")).getMessage());
	}
}
