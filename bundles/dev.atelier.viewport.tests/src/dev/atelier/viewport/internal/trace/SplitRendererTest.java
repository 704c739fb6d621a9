package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.testing.Services;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;

/**
 * One render split over several devices, on the CPU and simulated cards (they trace on the host, a simulated card into
 * sums of its own as a GPU does), with the real device service and its leases.
 */
class SplitRendererTest {

	private static final int WIDTH = 40;
	private static final int HEIGHT = 36;

	private static FlatScene scene;
	private static Camera camera;
	private static DeviceService devices;

	@BeforeAll
	static void setUp() throws InterruptedException {
		Scene box = BuiltinScenes.cornellBox();
		scene = FlatScene.of(box);
		camera = box.cameras().get(0);
		devices = Services.await(SplitRendererTest.class, DeviceService.class);
	}

	@AfterEach
	void everyLeaseIsGivenBack() {
		assertEquals(List.of(), devices.leases().stream().filter(l -> l.owner().client().startsWith("atelier render")).toList());
	}

	private static Settings settings(int spp) {
		return Settings.defaults().withSpp(spp).withSeed(11).withMaxBounces(4).withThreads(2).withDenoise(true);
	}

	/** A pace that changes every round, so that rows change hands in every round, both ways. */
	private static SplitRenderer.Pace restless() {
		AtomicInteger calls = new AtomicInteger();
		return (device, pixelSamples, nanos) -> 1 + calls.getAndIncrement() % 4;
	}

	@Test
	void aRenderSplitOverDevicesIsTheSingleDeviceImageBitForBit() {
		Settings settings = settings(7);
		RenderResult single = RenderBackend.cpu().render(scene, camera, WIDTH, HEIGHT, settings, ProgressListener.NONE, () -> false);
		List<Device> chosen = devices.resolveAll("cpu,sim:rtx4090,sim:rtx3090");
		RenderResult split = new SplitRenderer(chosen, SplitRenderer.shares(devices), restless(), 0).render(scene, camera, WIDTH, HEIGHT, settings,
				ProgressListener.NONE, () -> false);

		assertEquals(7, split.progress().samples());
		assertArrayEquals(single.color().rgb(), split.color().rgb(), "the mean radiance, bit for bit");
		assertArrayEquals(single.variance().rgb(), split.variance().rgb());
		assertArrayEquals(single.albedo().rgb(), split.albedo().rgb());
		assertArrayEquals(single.normal().rgb(), split.normal().rgb());
		assertArrayEquals(single.denoised().rgb(), split.denoised().rgb());
		assertEquals(single.progress().primaryRays(), split.progress().primaryRays(), "one camera ray per pixel and pass, whoever traced it");
		assertEquals(single.progress().totalRays(), split.progress().totalRays());
		assertEquals(List.of("cpu", "sim:rtx4090", "sim:rtx3090"), List.copyOf(split.work().keySet()));
		assertEquals(7L * WIDTH * HEIGHT, split.work().values().stream().mapToLong(Long::longValue).sum(), "every pixel sample traced once");
		assertTrue(split.work().values().stream().allMatch(w -> w > 0), split.work().toString());
	}

	@Test
	void theFilmTheListenerReadsHoldsEveryDevicesRowsAfterEachRound() {
		Settings settings = settings(4);
		List<Double> singleMeans = new ArrayList<>();
		RenderBackend.cpu().render(scene, camera, WIDTH, HEIGHT, settings, (progress, film) -> singleMeans.add(film.mean().average()), () -> false);
		List<Double> splitMeans = new ArrayList<>();
		new SplitRenderer(devices.resolveAll("sim:rtx4090,cpu"), SplitRenderer.shares(devices), restless(), 0).render(scene, camera, WIDTH, HEIGHT,
				settings, (progress, film) -> {
					assertEquals(progress.samples(), film.samples());
					splitMeans.add(film.mean().average());
				}, () -> false);
		assertEquals(singleMeans, splitMeans, "after every pass, the same mean as one device's");
	}

	@Test
	void aSlowerDeviceGetsFewerRowsInProportionToItsMeasuredSpeed() {
		int height = 64;
		List<Device> chosen = devices.resolveAll("cpu,sim:rtx3090");
		SplitRenderer.Pace pace = (device, pixelSamples, nanos) -> device.equals("sim:rtx3090") ? 1 : 3;
		RenderResult r = new SplitRenderer(chosen, SplitRenderer.shares(devices), pace, 0).render(scene, camera, WIDTH, height, settings(9),
				ProgressListener.NONE, () -> false);
		// the first pass is shared evenly (32 rows each, nothing measured yet); then 48 rows against 16 for the other 8
		assertEquals(Map.of("cpu", (32L + 48 * 8) * WIDTH, "sim:rtx3090", (32L + 16 * 8) * WIDTH), r.work());
	}

	@Test
	void bandsFollowTheSpeedsInWholeGranulesAndEveryDeviceKeepsOneWhileThereAreEnough() {
		assertArrayEquals(new int[] { 0, 16, 64 }, SplitRenderer.bands(new double[] { 1, 3 }, 64, 8));
		assertArrayEquals(new int[] { 0, 24, 36 }, SplitRenderer.bands(new double[] { 1, 1 }, 36, 8), "5 granules, the last one short");
		assertArrayEquals(new int[] { 0, 8, 64 }, SplitRenderer.bands(new double[] { 0.001, 1000 }, 64, 8), "the slowest keeps a granule");
		assertArrayEquals(new int[] { 0, 8, 8, 8 }, SplitRenderer.bands(new double[] { 1, 1, 1 }, 8, 8), "fewer granules than devices");
		assertArrayEquals(new int[] { 0, 720, 1080 }, SplitRenderer.bands(new double[] { 2, 1 }, 1080, 8));
	}

	@Test
	void aFailureOnOneDeviceStopsTheWholeRenderAndClosesEveryShare() {
		List<Device> chosen = devices.resolveAll("cpu,sim:rtx4090");
		AtomicInteger closed = new AtomicInteger();
		SplitRenderer.Opener standard = SplitRenderer.shares(devices);
		SplitRenderer.Opener failing = (device, frame) -> {
			RenderShare share = standard.open(device, frame);
			AtomicInteger traces = new AtomicInteger();
			return new RenderShare() {
				@Override
				public String device() {
					return share.device();
				}

				@Override
				public Rays trace(int top, int bottom, int first, int count) {
					if (device.id().equals("sim:rtx4090") && traces.incrementAndGet() == 3) {
						throw new IllegalStateException("the card fell off the bus");
					}
					return share.trace(top, bottom, first, count);
				}

				@Override
				public void collect(Film film, int top, int bottom) {
					share.collect(film, top, bottom);
				}

				@Override
				public void hand(Film film, int top, int bottom) {
					share.hand(film, top, bottom);
				}

				@Override
				public void close() {
					closed.incrementAndGet();
					share.close();
				}
			};
		};
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> new SplitRenderer(chosen, failing, SplitRenderer.Pace.MEASURED, 0)
				.render(scene, camera, WIDTH, HEIGHT, settings(8), ProgressListener.NONE, () -> false));
		assertEquals("sim:rtx4090: the card fell off the bus", e.getMessage());
		assertEquals(2, closed.get(), "both devices' shares closed");
	}

	@Test
	void aDeviceWithoutRoomForTheRenderRefusesItAndTheOtherDevicesLeaseIsGivenBack() {
		List<Device> chosen = devices.resolveAll("cpu,sim:rtx4090=1m");
		IllegalStateException e = assertThrows(IllegalStateException.class,
				() -> SplitRenderer.over(devices, chosen).render(scene, camera, WIDTH, HEIGHT, settings(4), ProgressListener.NONE, () -> false));
		assertTrue(e.getMessage().startsWith("sim:rtx4090=1m has no room for the render"), e.getMessage());
	}

	@Test
	void cancellingStopsEveryDeviceBetweenRounds() {
		AtomicInteger rounds = new AtomicInteger();
		RenderResult r = new SplitRenderer(devices.resolveAll("cpu,sim:rtx4090"), SplitRenderer.shares(devices), restless(), 0).render(scene, camera,
				WIDTH, HEIGHT, settings(50), (progress, film) -> rounds.incrementAndGet(), () -> rounds.get() >= 2);
		assertEquals(RenderResult.Stop.CANCELLED, r.stop());
		assertEquals(2, r.progress().samples());
	}

	@Test
	void aSplitRenderIsRecordedOnEveryDeviceItUsed() {
		RenderBackend split = RenderBackend.over(devices.resolveAll("cpu,sim:rtx4090"), devices);
		assertEquals("cpu+sim:rtx4090", split.device());
		RenderJob job = new RenderJob("builtin:cornell", camera, WIDTH, HEIGHT, settings(1), split, 0f);
		assertEquals(List.of("cpu", "sim:rtx4090"), JobHandle.devices(job.parameters()), "the job record bills both devices' energy");
		assertEquals("cpu", RenderBackend.over(devices.resolveAll("cpu"), devices).device(), "one device: no split");
	}

	@Test
	void rowsCopiedOutOfAndIntoADeviceFilmAreTheSameSums() {
		int w = 3;
		int h = 4;
		long bytes = 4 * Film.planeBytes(w, h);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment device = arena.allocate(bytes);
			for (long i = 0; i < bytes / 8; i++) {
				device.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, i * 0.1 + 1);
			}
			Film whole = new Film(w, h);
			whole.load(device, 1);
			Film band = new Film(w, h);
			band.loadRows(device, 1, 3);
			band.deferTo(1, () -> {
			});
			MemorySegment back = arena.allocate(bytes);
			band.storeRows(back, 1, 3);
			Film again = new Film(w, h);
			again.copyRows(band, 0, h);
			again.deferTo(1, () -> {
			});
			for (Film f : List.of(band, again)) {
				for (int y = 0; y < h; y++) {
					for (int x = 0; x < w; x++) {
						for (int c = 0; c < 3; c++) {
							float expected = y >= 1 && y < 3 ? whole.mean().get(x, y, c) : 0f;
							assertEquals(expected, f.mean().get(x, y, c), "pixel " + x + "," + y);
							assertEquals(y >= 1 && y < 3 ? whole.normal().get(x, y, c) : 0f, f.normal().get(x, y, c));
						}
					}
				}
			}
			long plane = Film.planeBytes(w, h);
			for (int k = 0; k < 4; k++) {
				long from = k * plane + 24L * w;
				assertEquals(-1, back.asSlice(from, 48L * w).mismatch(device.asSlice(from, 48L * w)), "plane " + k + "'s rows 1 and 2");
			}
		}
	}
}
