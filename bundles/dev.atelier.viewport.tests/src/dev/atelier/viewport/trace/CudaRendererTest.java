package dev.atelier.viewport.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.device.DeviceFunction.Dim;
import dev.atelier.device.DeviceService;
import dev.atelier.kernels.Kernels;
import dev.atelier.testing.Services;
import dev.atelier.testing.devices.FakeDeviceService;
import dev.atelier.testing.devices.TestDevices;
import dev.atelier.viewport.scene.Scene;

/** What the CUDA renderer decides on the host, tested without a GPU: the device, the lease, the batches, the film. */
class CudaRendererTest {

	@Test
	void withoutACudaDeviceTheCudaBackendIsRefusedSayingSo() {
		IllegalStateException none = assertThrows(IllegalStateException.class, () -> RenderBackend.named("cuda", FakeDeviceService.of(TestDevices.cpu())));
		assertEquals("no CUDA device: the device service has cpu", none.getMessage());
		IllegalStateException empty = assertThrows(IllegalStateException.class, () -> RenderBackend.named("cuda", FakeDeviceService.of()));
		assertEquals("no CUDA device: the device service has no devices", empty.getMessage());
		IllegalStateException named = assertThrows(IllegalStateException.class, () -> RenderBackend.named("cuda:1", FakeDeviceService.of(TestDevices.cpu())));
		assertEquals("no CUDA device 'cuda:1'; the device service has cpu", named.getMessage());
		IllegalStateException cpu = assertThrows(IllegalStateException.class, () -> CudaRenderer.pick(List.of(TestDevices.cpu()), "cpu"));
		assertEquals("no CUDA device 'cpu': it is a cpu device", cpu.getMessage());
	}

	@Test
	void aCudaDeviceThatCannotRunTheKernelsIsPassedOverWithTheReason() {
		var oldDriver = TestDevices.cuda(0, "12.4", 8, 9);
		var pascal = TestDevices.cuda(1, "13.0", 6, 1);
		var hopper = TestDevices.cuda(2, "13.0", 9, 0);
		assertSame(hopper, CudaRenderer.pick(List.of(oldDriver, pascal, hopper, TestDevices.cpu()), null));
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> CudaRenderer.pick(List.of(oldDriver, pascal), null));
		assertTrue(e.getMessage().startsWith("no CUDA device that runs the path tracer: cuda:0: the driver 580.65.06 supports CUDA 12.4"), e.getMessage());
		assertTrue(e.getMessage().contains("; cuda:1: compute capability 6.1 is older than 7.5"), e.getMessage());
		IllegalStateException named = assertThrows(IllegalStateException.class, () -> CudaRenderer.pick(List.of(oldDriver, hopper), "cuda:0"));
		assertTrue(named.getMessage().startsWith("no CUDA device that runs the path tracer: cuda:0: "), named.getMessage());
		assertSame(hopper, CudaRenderer.pick(List.of(oldDriver, hopper), "cuda:2"));
	}

	@Test
	void theBackendIsChosenByName() {
		FakeDeviceService devices = FakeDeviceService.of(TestDevices.cuda(0), TestDevices.cpu());
		assertEquals("cpu", RenderBackend.named("cpu", devices).device());
		assertEquals("cuda:0", RenderBackend.named("cuda", devices).device());
		assertEquals("cuda:0", RenderBackend.named("cuda:0", devices).device());
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> RenderBackend.named("vulkan", devices));
		assertEquals("no CUDA device 'vulkan'; the device service has cuda:0, cpu", e.getMessage());
	}

	/** In the OSGi runtime, with the real device service: on a machine without a GPU (CI) the CUDA backend says so. */
	@Test
	void theDeviceServiceOfThisMachineGivesACudaBackendOnlyWithACudaDevice() throws InterruptedException {
		DeviceService devices = Services.await(CudaRendererTest.class, DeviceService.class);
		boolean cuda = devices.devices().stream().anyMatch(d -> d.runsCudaModules() && Kernels.incompatibility(d).isEmpty());
		if (cuda) {
			assertTrue(RenderBackend.named("cuda", devices).device().startsWith("cuda:"));
		} else {
			IllegalStateException e = assertThrows(IllegalStateException.class, () -> RenderBackend.named("cuda", devices));
			assertTrue(e.getMessage().startsWith("no CUDA device"), e.getMessage());
		}
	}

	@Test
	void theLeaseHoldsTheSceneTheFilmTheCountersAndTheStacks() {
		PackedScene packed = new PackedScene(FlatScene.of(BuiltinScenes.cornellBox()));
		long film = 4L * 3 * 8 * 1280 * 720;
		assertEquals(film, CudaRenderer.filmBytes(1280, 720), "four planes of 3 doubles per pixel");
		long stacks = CudaRenderer.STACK_BYTES_PER_THREAD * 2048 * 132;
		assertEquals(packed.bytes() + film + 16 + stacks, CudaRenderer.leaseBytes(packed.bytes(), 1280, 720, 132));
		assertTrue(CudaRenderer.STACK_BYTES_PER_THREAD >= 2 * 4 * 64, "the 64-entry stack of node and distance fits");
		// The spheres scene: ~1M triangles pack into ~100 MB; the whole lease stays well under a GiB at 1280x720 on an H100.
		assertTrue(CudaRenderer.leaseBytes(100L << 20, 1280, 720, 132) < 1L << 30);
	}

	@Test
	void batchesAreTimedToAboutFiftyMillisecondsAndNeverPlanPastTheTimeLimit() {
		assertEquals(1, CudaRenderer.batchSize(0, 100, 0, 0), "the first pass alone, to time it");
		assertEquals(0, CudaRenderer.batchSize(1_000_000, 0, 0, 0), "nothing left");
		assertEquals(1, CudaRenderer.batchSize(1_000_000, 1, 0, 0));
		assertEquals(50, CudaRenderer.batchSize(1_000_000, 1000, 0, 0), "1 ms passes: 50 to a batch");
		assertEquals(7, CudaRenderer.batchSize(1_000_000, 7, 0, 0), "no more than what is left");
		assertEquals(CudaRenderer.MAX_BATCH, CudaRenderer.batchSize(1_000, 1_000_000, 0, 0), "tiny passes: capped");
		assertEquals(1, CudaRenderer.batchSize(200_000_000, 1000, 0, 0), "passes slower than the target: one at a time");
		assertEquals(20, CudaRenderer.batchSize(1_000_000, 1000, 980_000_000, 1_000_000_000L), "20 ms left of the time limit: 20 passes");
		assertEquals(1, CudaRenderer.batchSize(1_000_000, 1000, 1_200_000_000, 1_000_000_000L), "past the limit (the loop stops): at least one");
	}

	@Test
	void theGridCoversTheFilmInBlocksOf16By8() {
		assertEquals(new Dim(80, 90, 1), CudaRenderer.grid(1280, 720));
		assertEquals(new Dim(2, 2, 1), CudaRenderer.grid(17, 9));
		assertEquals(new Dim(1, 1, 1), CudaRenderer.grid(1, 1));
		assertEquals(0, (CudaRenderer.BLOCK_X * CudaRenderer.BLOCK_Y) % 32, "whole warps");
	}

	/** The device film's layout (four planes of 3 doubles per pixel) read into a film: mean, variance, albedo, normal. */
	@Test
	void aDeviceFilmLoadsIntoTheFilm() {
		int width = 3, height = 2, pixels = width * height, samples = 4;
		Film film = new Film(width, height);
		ValueLayout.OfDouble d = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment sums = arena.allocate(CudaRenderer.filmBytes(width, height));
			for (int p = 0; p < pixels; p++) {
				for (int c = 0; c < 3; c++) {
					// four samples of value p + c and p + c + 2: mean p + c + 1, sample variance 4/3, of the mean 1/3
					double a = p + c, b = p + c + 2;
					sums.set(d, 8L * (3 * p + c), 2 * a + 2 * b);
					sums.set(d, 8L * (3 * (pixels + p) + c), 2 * a * a + 2 * b * b);
					sums.set(d, 8L * (3 * (2 * pixels + p) + c), samples * 0.5);
					sums.set(d, 8L * (3 * (3 * pixels + p) + c), c == 2 ? samples : 0);
				}
			}
			int[] fetched = { 0 };
			film.deferTo(samples, () -> {
				fetched[0]++;
				film.load(sums, samples);
			});
			assertEquals(samples, film.samples());
			assertEquals(0, fetched[0], "nothing copied until the film is read");
			Image mean = film.mean();
			assertEquals(1, fetched[0]);
			for (int p = 0; p < pixels; p++) {
				for (int c = 0; c < 3; c++) {
					assertEquals(p + c + 1, mean.rgb()[3 * p + c], 1e-6);
					assertEquals(1.0 / 3, film.variance().rgb()[3 * p + c], 1e-6);
				}
			}
			assertArrayEquals(new float[] { 0.5f, 0.5f, 0.5f }, java.util.Arrays.copyOf(film.albedo().rgb(), 3));
			assertArrayEquals(new float[] { 0, 0, 1 }, java.util.Arrays.copyOf(film.normal().rgb(), 3));
			assertEquals(1, fetched[0], "copied once");
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> film.load(sums.asSlice(0, 8), 1));
			assertTrue(e.getMessage().startsWith("a 3x2 film needs 576 bytes"), e.getMessage());
		}
	}

	@Test
	void theCpuBackendIsTheRenderer() {
		Scene box = BuiltinScenes.cornellBox();
		FlatScene flat = FlatScene.of(box);
		Settings settings = Settings.defaults().withSpp(2).withSeed(3);
		RenderResult a = RenderBackend.cpu().render(flat, box.cameras().get(0), 16, 12, settings, ProgressListener.NONE, () -> false);
		RenderResult b = Renderer.render(flat, box.cameras().get(0), 16, 12, settings, ProgressListener.NONE, () -> false);
		assertArrayEquals(b.color().rgb(), a.color().rgb());
		assertEquals("cpu", RenderBackend.cpu().device());
	}
}
