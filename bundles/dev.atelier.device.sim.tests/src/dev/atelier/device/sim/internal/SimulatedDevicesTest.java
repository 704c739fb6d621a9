package dev.atelier.device.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.testing.Services;

/** Simulated cards: their profiles' attributes, what they refuse, and how the device service adds them on demand. */
class SimulatedDevicesTest {

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
	void aSizedCardHasThatMemoryAllLeasableAndItsProfilesAttributes() {
		SimulatedDevice card = SimulatedDevice.of("rtx4090=1100m");
		Device d = card.device();
		assertEquals("sim:rtx4090=1100m", d.id());
		assertEquals(1100L << 20, d.totalBytes());
		assertEquals(1100L << 20, card.freeBytes(), "no driver baseline on a sized card");
		assertEquals(0, card.defaultHeadroomBytes());
		assertEquals(SimulatedDevice.of("rtx4090").device().multiprocessors(), d.multiprocessors());
		assertEquals("NVIDIA GeForce RTX 4090 (simulated, 1.1 GiB)", d.name());
		assertEquals(2048, SimulatedDevice.of("h100=2k").device().totalBytes());
		assertEquals("simulated card 'rtx4090=lots': the size after '=' must be 1 byte to 24.0 GiB (the rtx4090's memory), in bytes or with k, m or g"
				+ " for KiB, MiB, GiB, e.g. rtx4090=1100m", assertThrows(IllegalArgumentException.class, () -> SimulatedDevice.of("rtx4090=lots")).getMessage());
		assertThrows(IllegalArgumentException.class, () -> SimulatedDevice.of("rtx4090=25g"), "more than the card it is cut from");
		assertEquals("unknown simulation profile 'rtx9090'; known: a6000, h100, rtx3090, rtx4090",
				assertThrows(IllegalArgumentException.class, () -> SimulatedDevice.of("rtx9090=1g")).getMessage());
	}

	@Test
	void theCardsOfAskedForIdsAreMadeOnDemandAndNumberedInOrder() {
		SimulatedCards cards = new SimulatedCards();
		assertTrue(cards.devices().isEmpty());
		assertEquals(List.of("sim:a6000", "sim:h100", "sim:rtx3090", "sim:rtx4090"), cards.onDemand());
		assertTrue(cards.create("cuda:0").isEmpty(), "not a simulated card's id");
		Device h100 = cards.create("sim:h100").orElseThrow().device();
		Device a6000 = cards.create("sim:a6000").orElseThrow().device();
		assertEquals(0, h100.ordinal());
		assertEquals(1, a6000.ordinal());
		assertEquals(h100, cards.create("sim:h100").orElseThrow().device(), "asked again, the same card");
		assertEquals(2, cards.devices().size());
		assertEquals("unknown simulation profile 'rtx9090'; known: a6000, h100, rtx3090, rtx4090",
				assertThrows(IllegalArgumentException.class, () -> cards.create("sim:rtx9090")).getMessage());
	}

	/** In the OSGi runtime: the control service adds a card to the real device service, which also makes them when asked. */
	@Test
	void theControlServiceAndResolveAddCardsToTheDeviceService() throws InterruptedException {
		SimulatedDevices simulated = Services.await(SimulatedDevicesTest.class, SimulatedDevices.class);
		DeviceService devices = Services.await(SimulatedDevicesTest.class, DeviceService.class);
		assertEquals(List.of("a6000", "h100", "rtx3090", "rtx4090"), simulated.profiles());
		Device rtx3090 = simulated.add("rtx3090");
		assertEquals(Optional.of(rtx3090), devices.device("sim:rtx3090"));
		assertEquals(Optional.of("rtx3090"), rtx3090.simulationProfile());
		Device rtx4090 = devices.resolve("sim:rtx4090");
		assertEquals(24L << 30, devices.status(rtx4090.id()).device().totalBytes());
		assertTrue(devices.devices().indexOf(rtx3090) < devices.devices().indexOf(rtx4090), "simulated cards in the order added");
		assertEquals("unknown simulation profile 'rtx9090'; known: a6000, h100, rtx3090, rtx4090",
				assertThrows(IllegalArgumentException.class, () -> simulated.add("rtx9090")).getMessage());
		if (devices.devices().stream().allMatch(d -> d.simulationProfile().isPresent())) {
			assertThrows(IllegalArgumentException.class, () -> devices.resolve("auto"), "auto never picks a simulated card");
		} else {
			assertTrue(devices.resolve("auto").simulationProfile().isEmpty(), "auto never picks a simulated card");
		}
	}
}
