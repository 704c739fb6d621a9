package dev.atelier.viewport.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.DeviceService;
import dev.atelier.testing.FakeJobService;
import dev.atelier.testing.Services;
import dev.atelier.testing.devices.FakeDeviceService;
import dev.atelier.testing.devices.TestDevices;

/** atelier render's choice of device: without a CUDA device --backend cuda fails saying so; bad usage is one line; a split render. */
class RenderCommandTest {

	private record Outcome(int code, String out, String err) {
	}

	private static Outcome run(FakeDeviceService devices, String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> command = new ArrayList<>(List.of("render"));
		command.addAll(List.of(args));
		// No job service or environment: every case here ends before a job is submitted.
		int code = Cli.run(List.of(new RenderCommand(null, devices, null)), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), command);
		return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void cudaWithoutACudaDeviceIsAnErrorNamingWhatThereIs() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cpu()), "--scene", "cornell", "--backend", "cuda");
		assertEquals(1, o.code());
		assertEquals("atelier render: no CUDA device: the device service has cpu; use --device cpu", o.err().strip());
		assertEquals("", o.out());
	}

	@Test
	void aCudaDeviceThatCannotRunTheKernelsIsNamedWithTheReason() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cuda(0, "12.4", 8, 9), TestDevices.cpu()), "--scene", "cornell", "--backend", "cuda:0");
		assertEquals(1, o.code());
		assertTrue(o.err().startsWith("atelier render: no CUDA device that runs the path tracer: cuda:0: the driver 580.65.06 supports CUDA 12.4"), o.err());
	}

	@Test
	void deviceAndItsOlderSpellingBackendAreOneChoice() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cuda(0, "12.4", 8, 9), TestDevices.cpu()), "--scene", "cornell", "--device", "cuda:0");
		assertEquals(1, o.code());
		assertTrue(o.err().startsWith("atelier render: no CUDA device that runs the path tracer: cuda:0: "), o.err());
		Outcome both = run(FakeDeviceService.of(TestDevices.cpu()), "--scene", "cornell", "--device", "cpu", "--backend", "cpu");
		assertEquals(2, both.code());
		assertEquals("atelier render: --device and --backend choose the same thing: give one (see atelier render --help)", both.err().strip());
	}

	@Test
	void aBadDevicesListIsAOneLineUsageErrorSayingWhatIsWrong() {
		FakeDeviceService cpu = FakeDeviceService.of(TestDevices.cpu());
		Outcome empty = run(cpu, "--scene", "cornell", "--devices", "cpu,,cuda:0");
		assertEquals(2, empty.code());
		assertEquals("atelier render: --devices cpu,,cuda:0: 'cpu,,cuda:0' has an empty entry; give ids separated by commas, or all "
				+ "(see atelier render --help)", empty.err().strip());
		assertEquals("atelier render: --devices all: 'all' names every CUDA GPU and there is none; name the devices instead (cpu) "
				+ "(see atelier render --help)", run(cpu, "--scene", "cornell", "--devices", "all").err().strip());
		assertEquals("atelier render: --devices cpu,cpu: 'cpu,cpu' names cpu twice (see atelier render --help)",
				run(cpu, "--scene", "cornell", "--devices", "cpu,cpu").err().strip());
		assertEquals("atelier render: --devices cpu,cuda:7: no device 'cuda:7'; known: cpu (see atelier render --help)",
				run(cpu, "--scene", "cornell", "--devices", "cpu,cuda:7").err().strip());
		assertEquals("atelier render: --devices and --device choose the same thing: give one (see atelier render --help)",
				run(cpu, "--scene", "cornell", "--devices", "cpu", "--device", "cpu").err().strip());
		for (String list : List.of("cpu,,cuda:0", "all", "cpu,cpu", "cpu,cuda:7")) {
			assertEquals(1, run(cpu, "--scene", "cornell", "--devices", list).err().strip().lines().count(), list);
		}
	}

	/** In the OSGi runtime, with the real device service (its CPU and a simulated card) and a job service that records. */
	@Test
	void aRenderSplitOverDevicesNamesThemAllForTheJobRecordAndPrintsEachOnesShare(@TempDir Path dir) throws InterruptedException {
		DeviceService devices = Services.await(RenderCommandTest.class, DeviceService.class);
		FakeJobService jobs = new FakeJobService();
		List<JobHandle<?>> submitted = new CopyOnWriteArrayList<>();
		jobs.addListener(job -> {
			if (!submitted.contains(job)) {
				submitted.add(job);
			}
		});
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		Path png = dir.resolve("split.png");
		int code = Cli.run(List.of(new RenderCommand(jobs, devices, Outputs.under(dir))), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null),
				List.of("render", "--scene", "cornell", "--size", "32x32", "--spp", "3", "--bounces", "2", "--devices", "cpu,sim:rtx4090", "--out", png.toString()));
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		assertTrue(Files.isRegularFile(png));
		String printed = out.toString(StandardCharsets.UTF_8);
		assertTrue(printed.matches("(?s).*\\nsplit: cpu [0-9.]+ %, sim:rtx4090 [0-9.]+ %\\n"), printed);
		assertEquals("cpu+sim:rtx4090", submitted.getFirst().details().get(JobHandle.DEVICE), "the record bills both devices");
	}

	@Test
	void aGpuInTheDevicesListThatCannotRunTheKernelsIsNamedWithTheReason() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cuda(0), TestDevices.cuda(1, "12.4", 8, 9), TestDevices.cpu()), "--scene", "cornell",
				"--devices", "cuda:0,cuda:1");
		assertEquals(1, o.code());
		assertTrue(o.err().startsWith("atelier render: no CUDA device that runs the path tracer: cuda:1: the driver 580.65.06 supports CUDA 12.4"), o.err());
	}

	@Test
	void anUnknownBackendIsAUsageError() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cpu()), "--scene", "cornell", "--backend", "metal");
		assertEquals(2, o.code());
		assertEquals("atelier render: --backend: 'metal' is not cpu, cuda or cuda:N (see atelier render --help)", o.err().strip());
		Outcome device = run(FakeDeviceService.of(TestDevices.cpu()), "--scene", "cornell", "--device", "metal");
		assertEquals(2, device.code());
		assertEquals("atelier render: --device: 'metal' is not a device id: cpu, cuda:N, sim:PROFILE or auto (see atelier render --help)",
				device.err().strip());
	}

	@Test
	void badValuesAndMissingSceneAreOneLineUsageErrors() {
		FakeDeviceService cpu = FakeDeviceService.of(TestDevices.cpu());
		assertEquals("atelier render: --spp: 'x' is not a whole number (see atelier render --help)", run(cpu, "--scene", "cornell", "--spp", "x").err().strip());
		assertEquals("atelier render: --spp: 0 is less than 1 (see atelier render --help)", run(cpu, "--scene", "cornell", "--spp", "0").err().strip());
		assertEquals("atelier render: --size 20000x10 is over 16384 a side (see atelier render --help)",
				run(cpu, "--scene", "cornell", "--size", "20000x10").err().strip());
		Outcome neither = run(cpu, "--spp", "4");
		assertEquals(2, neither.code());
		assertEquals("atelier render: give a FILE.gltf|FILE.glb or --scene cornell, not neither (see atelier render --help)", neither.err().strip());
	}

	@Test
	void anImageTooLargeForTheHeapIsRefusedBeforeAnyWorkWithWhatItNeeds() {
		Outcome o = run(FakeDeviceService.of(TestDevices.cpu()), "--scene", "cornell", "--size", "16384x16384");
		assertEquals(2, o.code(), o.err());
		assertTrue(o.err().startsWith("atelier render: --size 16384x16384 needs about 38.0 GiB of memory, more than the "), o.err());
		assertTrue(o.err().contains("GiB the Java heap has free; a smaller size, or give Java more with ATELIER_VMARGS=-Xmx<size>"), o.err());
	}

	@Test
	void negativeBouncesAndAnOutputFolderAreUsageErrors(@TempDir Path dir) {
		FakeDeviceService cpu = FakeDeviceService.of(TestDevices.cpu());
		assertEquals("atelier render: --bounces: -1 is less than 0 (see atelier render --help)",
				run(cpu, "--scene", "cornell", "--bounces", "-1").err().strip());
		assertEquals("atelier render: --out: cannot write " + dir + ": it is a folder (see atelier render --help)",
				run(cpu, "--scene", "cornell", "--size", "16x16", "--out", dir.toString()).err().strip());
		assertEquals("atelier render: --time: '1e308' is not a duration such as 500ms, 2s or 1m (see atelier render --help)",
				run(cpu, "--scene", "cornell", "--time", "1e308").err().strip());
	}
}
