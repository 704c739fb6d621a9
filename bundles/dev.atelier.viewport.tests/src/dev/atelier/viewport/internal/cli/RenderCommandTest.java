package dev.atelier.viewport.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.cli.CommandContext;
import dev.atelier.testing.devices.FakeDeviceService;
import dev.atelier.testing.devices.TestDevices;

/** atelier render's choice of backend, before any job: without a CUDA device --backend cuda fails saying so. */
class RenderCommandTest {

	private record Outcome(int code, String out, String err) {
	}

	private static Outcome run(FakeDeviceService devices, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		// No job service or environment: every case here ends before a job is submitted.
		int code = new RenderCommand(null, null, devices).run(CommandContext.of(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null));
		return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void cudaWithoutACudaDeviceIsAnErrorNamingWhatThereIs() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cpu()), "--scene", "cornell", "--backend", "cuda");
		assertEquals(1, o.code());
		assertEquals("atelier render: no CUDA device: the device service has cpu; use --backend cpu", o.err().strip());
		assertEquals("", o.out());
	}

	@Test
	void aCudaDeviceThatCannotRunTheKernelsIsNamedWithTheReason() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cuda(0, "12.4", 8, 9), TestDevices.cpu()), "--scene", "cornell", "--backend", "cuda:0");
		assertEquals(1, o.code());
		assertTrue(o.err().startsWith("atelier render: no CUDA device that runs the path tracer: cuda:0: the driver 580.65.06 supports CUDA 12.4"), o.err());
	}

	@Test
	void anUnknownBackendIsAUsageError() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cpu()), "--scene", "cornell", "--backend", "metal");
		assertEquals(2, o.code());
		assertEquals("atelier render: --backend is cpu, cuda or cuda:N, not 'metal' (see atelier render --help)", o.err().strip());
	}
}
