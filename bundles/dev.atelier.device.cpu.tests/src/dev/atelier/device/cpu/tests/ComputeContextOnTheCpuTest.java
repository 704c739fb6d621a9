package dev.atelier.device.cpu.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStream;
import dev.atelier.device.HostBuffer;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.testing.Services;

/** In the OSGi runtime: host buffers, queued copies, clears and marks through the device service on the CPU device. */
class ComputeContextOnTheCpuTest {

	private static DeviceService devices() throws InterruptedException {
		return Services.await(CpuDevice.class, DeviceService.class);
	}

	@Test
	void copiesBetweenHostAndBuffersAndClearsThemInOrder() throws Exception {
		DeviceService devices = devices();
		try (VramLease lease = devices.acquire("cpu", LeaseRequest.of("test", 1 << 20)); ComputeContext context = devices.openContext(lease);
				DeviceStream stream = context.newStream(); DeviceBuffer a = context.allocate(4096); DeviceBuffer b = context.allocate(4096);
				HostBuffer host = context.allocateHost(4096)) {
			assertFalse(host.pinned(), "the CPU pins nothing");
			for (int i = 0; i < 1024; i++) {
				host.segment().setAtIndex(ValueLayout.JAVA_INT, i, i * 7);
			}
			try (DeviceStream.Mark start = stream.mark()) {
				a.writeAsync(0, host.segment(), stream);
				a.copyTo(16, b, 0, 4080, stream);
				b.clear(0, 8, stream);
				host.segment().fill((byte) 0);
				b.readAsync(0, host.segment(), stream);
				try (DeviceStream.Mark end = stream.mark()) {
					assertTrue(end.millisSince(start) >= 0);
				}
			}
			stream.synchronize();
			assertEquals(0, host.segment().getAtIndex(ValueLayout.JAVA_INT, 1), "cleared");
			assertEquals(6 * 7, host.segment().getAtIndex(ValueLayout.JAVA_INT, 2), "b[8..] = a[24..]");
			assertEquals(1023 * 7, host.segment().getAtIndex(ValueLayout.JAVA_INT, 1019));

			assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(0, b, 1, 4096, stream));
			try (VramLease other = devices.acquire("cpu", LeaseRequest.of("test-other", 1 << 20)); ComputeContext elsewhere = devices.openContext(other);
					DeviceBuffer foreign = elsewhere.allocate(64)) {
				assertEquals("the target of a copy on cpu must be a live buffer of the same compute context",
						assertThrows(IllegalArgumentException.class, () -> a.copyTo(0, foreign, 0, 64, stream)).getMessage());
			}
		}
	}
}
