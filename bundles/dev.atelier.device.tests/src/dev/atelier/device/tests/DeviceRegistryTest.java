package dev.atelier.device.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.device.Device;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.device.spi.DeviceProvider;
import dev.atelier.device.spi.PhysicalDevice;
import dev.atelier.testing.MemoryPreferences;
import dev.atelier.testing.devices.FakeGpu;
import dev.atelier.testing.devices.TestDevices;

/** The order of devices and what a user's id resolves to, with backends the test makes. */
class DeviceRegistryTest {

	private static final long GIB = 1L << 30;

	/** A backend with fixed devices that makes {@code sim:made} when asked. */
	private record Backend(List<PhysicalDevice> devices) implements DeviceProvider {
		@Override
		public List<String> onDemand() {
			return List.of("sim:made");
		}

		@Override
		public Optional<PhysicalDevice> create(String id) {
			if (!id.startsWith("sim:")) {
				return Optional.empty();
			}
			if (!id.equals("sim:made")) {
				throw new IllegalArgumentException("can make only sim:made, not " + id);
			}
			return Optional.of(FakeGpu.of("made", 8 * GIB));
		}
	}

	private static FakeGpu gpu(Device device) {
		return new FakeGpu(device, GIB);
	}

	@Test
	void gpusInOrdinalOrderThenTheCpuThenSimulatedCardsWithoutParsingIds() {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		try {
			// cuda:10 sorts after cuda:2 by its ordinal, not by its id's text
			registry.addProvider(new Backend(List.of(FakeGpu.of("card", 24 * GIB), gpu(TestDevices.cuda(10)), gpu(TestDevices.cpu()),
					gpu(TestDevices.cuda(2)))));
			assertEquals(List.of("cuda:2", "cuda:10", "cpu", "sim:card"), registry.devices().stream().map(Device::id).toList());
		} finally {
			registry.shutdown();
		}
	}

	@Test
	void autoIsTheDefaultDevicePreferenceWhereOneIsSetAndAnUnknownOneIsNamed() {
		MemoryPreferences preferences = new MemoryPreferences();
		DeviceRegistry registry = new DeviceRegistry(preferences);
		try {
			registry.addProvider(new Backend(List.of(gpu(TestDevices.cuda(0)), gpu(TestDevices.cpu()))));
			assertEquals("cuda:0", registry.resolve("auto").id(), "unset: the first GPU");
			preferences.put(DeviceRegistry.PREF_DEFAULT, "cpu");
			assertEquals("cpu", registry.resolve("auto").id());
			preferences.put(DeviceRegistry.PREF_DEFAULT, "cuda:7");
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.resolve("auto"));
			assertTrue(e.getMessage().startsWith("the default device (preference device.default) 'cuda:7': "), e.getMessage());
		} finally {
			registry.shutdown();
		}
	}

	@Test
	void resolveFindsMakesOrPicksAndOtherwiseNamesTheKnownIds() {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		try {
			registry.addProvider(new Backend(List.of(FakeGpu.of("card", 24 * GIB), gpu(TestDevices.cpu()))));
			assertEquals("cpu", registry.resolve("auto").id(), "auto takes the CPU over a simulated card");
			assertEquals("cpu", registry.resolve("cpu").id());
			assertEquals(List.of("sim:made"), registry.onDemand());
			assertEquals("sim:made", registry.resolve("sim:made").id(), "made on demand");
			assertEquals(3, registry.devices().size());
			assertEquals("can make only sim:made, not sim:other",
					assertThrows(IllegalArgumentException.class, () -> registry.resolve("sim:other")).getMessage());
			assertEquals("no device 'cuda:7'; known: cpu, sim:card, sim:made",
					assertThrows(IllegalArgumentException.class, () -> registry.resolve("cuda:7")).getMessage());

			registry.addProvider(new Backend(List.of(gpu(TestDevices.cuda(0)))));
			assertEquals("cuda:0", registry.resolve("auto").id(), "auto takes the first GPU");
		} finally {
			registry.shutdown();
		}
	}

	@Test
	void autoWithoutARealDeviceSaysSo() {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		try {
			registry.add(FakeGpu.of("card", 24 * GIB), null);
			assertEquals("no device for 'auto': known: sim:card",
					assertThrows(IllegalArgumentException.class, () -> registry.resolve("auto")).getMessage());
		} finally {
			registry.shutdown();
		}
	}
}
