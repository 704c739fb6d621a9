package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.jobs.JobState;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.device.DeviceService;
import dev.atelier.device.VramLease;
import dev.atelier.device.sim.SimulatedDevices;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.diffusion.internal.ort.OrtExecutor;
import dev.atelier.diffusion.Sampler;
import dev.atelier.testing.Services;

/** The queue in the OSGi runtime, with the real job and device services, on the tiny fixture. */
class DiffusionJobsTest {

	private static final Path TINY = Path.of("fixture", "tiny-sd").toAbsolutePath();

	@TempDir
	Path root;
	/** The queue's default folder: {@code <outputs>/diffusion}. */
	private Path out;

	private DeviceService devices;
	private DiffusionJobs diffusion;

	@BeforeEach
	void start() throws InterruptedException {
		devices = Services.await(DiffusionJobsTest.class, DeviceService.class);
		out = root.resolve("diffusion");
		diffusion = new DiffusionJobs(Services.await(DiffusionJobsTest.class, JobService.class), devices, Outputs.under(root), new OrtExecutor(),
				Services.await(DiffusionJobsTest.class, ComputeRuntime.class), root.resolve("models/loras"), root);
	}

	@AfterEach
	void stop() {
		diffusion.close();
	}

	private static GenerationRequest request(long seed, int steps) {
		return new GenerationRequest("a horse", "", Sampler.EULER, steps, 7.5, seed, 64, 64, 1, null, 0.6);
	}

	@Test
	void jobsOnOneDeviceRunOneAtATimeInTheOrderSubmitted() throws Exception {
		List<Long> started = new CopyOnWriteArrayList<>();
		List<JobHandle<List<Path>>> handles = new CopyOnWriteArrayList<>();
		List<Long> running = new CopyOnWriteArrayList<>();
		for (long seed = 1; seed <= 3; seed++) {
			long s = seed;
			handles.add(diffusion.submit(TINY, request(seed, 3), "cpu", null, new GenerationListener() {
				@Override
				public void step(int step, int steps, List<RgbImage> previews) {
					if (step == 1) {
						started.add(s);
						running.add(handles.stream().filter(h -> h.state() == JobState.RUNNING).count());
					}
				}
			}));
		}
		assertEquals(3, diffusion.queue().size(), "all three are visible in the queue");
		assertEquals(JobState.QUEUED, handles.get(2).state(), "the last waits its turn as queued, not running");
		List<Path> files = handles.stream().flatMap(h -> h.result().join().stream()).toList();
		assertEquals(List.of(1L, 2L, 3L), started);
		assertEquals(List.of(1L, 1L, 1L), running, "one job running at a time");
		assertEquals(List.of(out.resolve("00000-1.png"), out.resolve("00001-2.png"), out.resolve("00002-3.png")), files);
		Infotext info = Infotext.parse(PngInfo.read(files.get(1)).get(Infotext.CHUNK));
		assertEquals("a horse", info.prompt());
		assertEquals("2", info.settings().get("Seed"));
		assertEquals("tiny-sd", info.settings().get("Model"));
		assertEquals("cpu", handles.getFirst().details().get(JobHandle.DEVICE));
		assertEquals(List.of(files.getFirst().toString()), handles.getFirst().outputs());
		assertTrue(diffusion.queue().isEmpty());
	}

	@Test
	void seedMinusOneDrawsAFreshSeedPerJobNamedInThePngAndTheJobsRecordedParameters() throws Exception {
		JobHandle<List<Path>> a = diffusion.submit(TINY, request(GenerationRequest.RANDOM_SEED, 1), "cpu", null, GenerationListener.NONE);
		JobHandle<List<Path>> b = diffusion.submit(TINY, request(GenerationRequest.RANDOM_SEED, 1), "cpu", null, GenerationListener.NONE);
		String seedA = Infotext.parse(PngInfo.read(a.result().join().getFirst()).get(Infotext.CHUNK)).settings().get("Seed");
		String seedB = Infotext.parse(PngInfo.read(b.result().join().getFirst()).get(Infotext.CHUNK)).settings().get("Seed");
		assertTrue(Long.parseLong(seedA) >= 0, seedA);
		assertTrue(!seedA.equals(seedB), "two jobs, two seeds: " + seedA);
		// the job recorder keeps a job's details as its JobRecord's parameters
		assertEquals(seedA, a.details().get("Seed"));
		assertEquals(seedB, b.details().get("Seed"));
	}

	@Test
	void aQueuedJobCancelledBeforeItsTurnNeverRuns() throws Exception {
		CountDownLatch firstRunning = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		JobHandle<List<Path>> first = diffusion.submit(TINY, request(1, 2), "cpu", null, new GenerationListener() {
			@Override
			public void step(int step, int steps, List<RgbImage> previews) {
				firstRunning.countDown();
				try {
					release.await(10, TimeUnit.SECONDS);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}
		});
		List<Integer> secondSteps = new CopyOnWriteArrayList<>();
		JobHandle<List<Path>> second = diffusion.submit(TINY, request(2, 2), "cpu", null, new GenerationListener() {
			@Override
			public void step(int step, int steps, List<RgbImage> previews) {
				secondSteps.add(step);
			}
		});
		assertTrue(firstRunning.await(60, TimeUnit.SECONDS));
		second.cancel();
		CompletionException e = assertThrows(CompletionException.class, () -> second.result().join());
		assertInstanceOf(JobCancelledException.class, e.getCause());
		release.countDown();
		assertEquals(1, first.result().join().size());
		assertTrue(secondSteps.isEmpty());
		JobHandle<List<Path>> third = diffusion.submit(TINY, request(3, 1), "cpu", null, GenerationListener.NONE);
		assertEquals(1, third.result().join().size(), "the lane goes on after a cancelled job");
	}

	@Test
	void aBatchThatCannotFitTheHostsMemoryIsRefusedOnTheCpuAsOnACard() {
		// the CPU device of the device service is this machine's RAM; 4096x4096 x 64 needs terabytes of activations
		GenerationRequest huge = request(1, 2).withSize(4096, 4096).withBatch(64);
		String message = assertThrows(IllegalArgumentException.class, () -> diffusion.submit(TINY, huge, "cpu", null, GenerationListener.NONE))
				.getMessage();
		assertTrue(message.startsWith("a batch of 64 at 4096x4096"), message);
		assertTrue(message.contains("cannot fit cpu: needs"), message);
		assertTrue(diffusion.queue().isEmpty(), "nothing was queued");
	}

	@Test
	void anImageTooLargeForTheCardIsRefusedWithTheTiledVaeAsTheAdvice() throws InterruptedException {
		Services.await(DiffusionJobsTest.class, SimulatedDevices.class).add("rtx3090");
		// the tiny UNet's 32 channels: a tenth of SD 1.5's activations (1.48 GB per MP); three images of 6.6 MP are over
		// 24 GiB, with the VAE tiled (0.7×) they fit
		GenerationRequest large = request(1, 1).withSize(2560, 2560).withBatch(3);
		String message = assertThrows(IllegalArgumentException.class, () -> diffusion.submit(TINY, large, "sim:rtx3090", null, GenerationListener.NONE))
				.getMessage();
		assertTrue(message.contains("use onnx:tiny-sd@2560x2560x3:tiled instead of onnx:tiny-sd@2560x2560x3"), message);
		assertTrue(message.endsWith("(:tiled is atelier generate --tile-vae)"), message);
		assertTrue(diffusion.queue().isEmpty(), "nothing was queued");
	}

	@Test
	void aBatchThatCannotFitTheCardIsRefusedUpFrontWithThePlannersAdvice() throws InterruptedException {
		Services.await(DiffusionJobsTest.class, SimulatedDevices.class).add("rtx3090");
		GenerationRequest huge = request(1, 2).withSize(4096, 4096).withBatch(64);
		String message = assertThrows(IllegalArgumentException.class, () -> diffusion.submit(TINY, huge, "sim:rtx3090", null, GenerationListener.NONE))
				.getMessage();
		assertTrue(message.startsWith("a batch of 64 at 4096x4096"), message);
		assertTrue(message.contains("cannot fit sim:rtx3090: needs"), message);
		assertTrue(diffusion.queue().isEmpty(), "nothing was queued");
		assertEquals("no device 'cuda:42'", assertThrows(IllegalArgumentException.class,
				() -> diffusion.submit(TINY, request(1, 1), "cuda:42", null, GenerationListener.NONE)).getMessage().replaceAll(";.*", ""));
	}

	@Test
	void onASimulatedCardThePipelineHoldsAnEvictableLeaseAndReloadsAfterEviction() throws Exception {
		Services.await(DiffusionJobsTest.class, SimulatedDevices.class).add("a6000");
		assertEquals(1, diffusion.submit(TINY, request(1, 1), "sim:a6000", null, GenerationListener.NONE).result().join().size());
		VramLease lease = devices.leases().stream().filter(l -> l.owner().client().equals("diffusion tiny-sd")).findFirst().orElseThrow();
		assertEquals("sim:a6000", lease.deviceId());
		assertTrue(lease.evictable());
		assertFalse(lease.busy(), "idle between jobs");
		assertTrue(devices.evict(lease));
		assertTrue(devices.leases().stream().noneMatch(l -> l.owner().client().equals("diffusion tiny-sd")));
		assertEquals(1, diffusion.submit(TINY, request(2, 1), "sim:a6000", null, GenerationListener.NONE).result().join().size(),
				"the next job loads the pipeline again");
		assertTrue(Files.exists(out.resolve("00001-2.png")));
	}
}
