package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.device.DeviceService;
import dev.atelier.device.VramLease;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.diffusion.Sampler;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * {@code atelier generate --devices}: a batch of the native engine spread over two simulated cards (each computes on the
 * host, its memory booked as on that card), against the same batch on one card.
 */
class GenerateDevicesTest {

	private static final List<String> TWO = List.of("sim:rtx4090", "sim:a6000");
	private static final GenerationRequest REQUEST = new GenerationRequest("a photo of a cat", "", Sampler.EULER_A, 3, 7.5, 42, 64, 64, 3, null, 0.6);

	@TempDir
	Path root;
	private DeviceService devices;
	private DiffusionJobs diffusion;
	private Path checkpoint;

	@BeforeEach
	void start() throws Exception {
		devices = Services.await(GenerateDevicesTest.class, DeviceService.class);
		diffusion = GenerateRun.queue(root);
		checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16", root.resolve("tiny-sd1.safetensors"));
	}

	@AfterEach
	void stop() {
		diffusion.close();
	}

	private List<VramLease> diffusionLeases() {
		return devices.leases().stream().filter(l -> l.owner().client().equals("diffusion tiny-sd1.safetensors")).toList();
	}

	private static List<int[]> pixels(List<Path> files) throws Exception {
		List<int[]> out = new ArrayList<>();
		for (Path f : files) {
			out.add(Images.read(f, 1 << 24).pixels());
		}
		return out;
	}

	private static String seed(Path png) throws Exception {
		return Infotext.parse(PngInfo.read(png).get(Infotext.CHUNK)).settings().get("Seed");
	}

	@Test
	void aBatchOverTwoCardsGivesTheImagesOneCardMakesForTheSameSeedsEachCardUnderItsOwnLease() throws Exception {
		List<Path> one = diffusion.submit(checkpoint, REQUEST, "sim:rtx4090", root.resolve("one"), GenerationListener.NONE).result().join();
		JobHandle<List<Path>> job = diffusion.submit(checkpoint, REQUEST, TWO, root.resolve("two"), GenerationListener.NONE);
		List<Path> two = job.result().join();

		assertEquals(3, two.size());
		List<int[]> want = pixels(one);
		List<int[]> got = pixels(two);
		for (int i = 0; i < 3; i++) {
			assertEquals(Long.toString(42 + i), seed(two.get(i)), "image " + i + " keeps seed + i, in the batch's order");
			assertArrayEquals(want.get(i), got.get(i), "image " + i + " bit for bit as one card makes it");
		}
		assertEquals("sim:rtx4090+sim:a6000", job.details().get(JobHandle.DEVICE), "both cards named, so the job's energy sums over them");
		assertEquals(List.of("sim:rtx4090", "sim:a6000"), JobHandle.devices(job.details()));
		for (String card : TWO) {
			assertEquals(1, diffusionLeases().stream().filter(l -> l.deviceId().equals(card)).count(), "a model copy under a lease of its own on " + card);
		}
	}

	@Test
	void everyStepIsHeardOnceWithAPreviewOfEveryImage() throws Exception {
		List<Integer> steps = new CopyOnWriteArrayList<>();
		List<Integer> previews = new CopyOnWriteArrayList<>();
		diffusion.submit(checkpoint, REQUEST, TWO, root, new GenerationListener() {
			@Override
			public void step(int step, int total, List<RgbImage> shown) {
				steps.add(step);
				previews.add(shown.size());
				assertEquals(REQUEST.steps(), total);
			}
		}).result().join();
		assertEquals(List.of(1, 2, 3), steps);
		assertEquals(List.of(3, 3, 3), previews);
	}

	@Test
	void cancellingStopsEveryCardAndLeavesNoLeaseInUse() throws Exception {
		List<JobHandle<List<Path>>> handle = new CopyOnWriteArrayList<>();
		List<Integer> heard = new CopyOnWriteArrayList<>();
		JobHandle<List<Path>> job = diffusion.submit(checkpoint, REQUEST.withSteps(50), TWO, root, new GenerationListener() {
			@Override
			public void step(int step, int total, List<RgbImage> shown) {
				heard.add(step);
				handle.getFirst().cancel();
			}
		});
		handle.add(job);
		CompletionException e = assertThrows(CompletionException.class, () -> job.result().join());
		assertInstanceOf(JobCancelledException.class, e.getCause());
		assertEquals(List.of(1), heard, "both cards stopped before their second step");
		List<VramLease> leases = diffusionLeases().stream().filter(l -> TWO.contains(l.deviceId())).toList();
		assertEquals(2, leases.size(), leases.toString());
		for (VramLease lease : leases) {
			assertFalse(lease.busy(), lease.deviceId() + "'s lease is no longer in use");
			assertTrue(devices.evict(lease), lease.deviceId() + "'s memory can be taken back at once");
		}
		assertTrue(diffusionLeases().stream().noneMatch(l -> TWO.contains(l.deviceId())), "nothing left on either card");
		assertEquals(3, diffusion.submit(checkpoint, REQUEST.withSteps(1), TWO, root, GenerationListener.NONE).result().join().size(),
				"the lanes go on after a cancelled job");
	}

	@Test
	void theCliSpreadsABatchWithDevicesAndRefusesDevicesWithDevice() throws Exception {
		List<String> args = List.of("generate", "--model", checkpoint.toString(), "--prompt", "a photo of a cat", "--steps", "2", "--size", "64x64",
				"--batch", "2", "--seed", "7");
		GenerateRun spread = GenerateRun.of(diffusion, concat(args, "--devices", "sim:rtx4090,sim:a6000", "--out", root.resolve("cli").toString()));
		assertEquals(0, spread.code(), spread.err());
		List<Path> files = spread.out().strip().lines().map(Path::of).toList();
		assertEquals(List.of("7", "8"), List.of(seed(files.get(0)), seed(files.get(1))));

		GenerateRun both = GenerateRun.of(diffusion, concat(args, "--device", "cpu", "--devices", "sim:rtx4090,sim:a6000"));
		assertEquals(2, both.code());
		assertEquals("atelier generate: --device and --devices cannot be given together (see atelier generate --help)", both.err().strip());
		GenerateRun twice = GenerateRun.of(diffusion, concat(args, "--devices", "sim:rtx4090,sim:rtx4090"));
		assertEquals(2, twice.code());
		assertTrue(twice.err().contains("names a device twice"), twice.err());
		GenerateRun noGpu = GenerateRun.of(diffusion, concat(args, "--devices", "all"));
		assertEquals(2, noGpu.code());
		assertTrue(noGpu.err().contains("'all' names every CUDA GPU and there is none"), noGpu.err());
	}

	private static List<String> concat(List<String> args, String... more) {
		List<String> all = new ArrayList<>(args);
		all.addAll(List.of(more));
		return all;
	}
}
