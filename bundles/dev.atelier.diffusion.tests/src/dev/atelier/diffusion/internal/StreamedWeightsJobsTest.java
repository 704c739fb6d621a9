package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.device.DeviceService;
import dev.atelier.device.VramLease;
import dev.atelier.device.plan.Workloads;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.internal.pipeline.CheckpointModel;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * A checkpoint on simulated cards too small to hold its weights ({@code sim:rtx4090=SIZE}): the queue streams them from
 * host memory and says so, the image is the big card's, and only what cannot fit even streamed is refused.
 */
class StreamedWeightsJobsTest {

	private static final GenerationRequest REQUEST = new GenerationRequest("a photo of a cat", "", Sampler.EULER, 3, 7.5, 42, 64, 64, 1, null, 0.6);

	@TempDir
	Path root;
	private DeviceService devices;
	private DiffusionJobs diffusion;
	private Path checkpoint;
	private CheckpointModel.WeightBytes weights;

	@BeforeEach
	void start() throws Exception {
		devices = Services.await(StreamedWeightsJobsTest.class, DeviceService.class);
		diffusion = GenerateRun.queue(root);
		checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16", root.resolve("tiny-sd1.safetensors"));
		weights = CheckpointModel.weightBytes(checkpoint);
	}

	@AfterEach
	void stop() {
		diffusion.close();
	}

	/** A card one byte too small for the weights on it, with room to stream them. */
	private String tooSmallForItsWeights() throws Exception {
		long resident = DiffusionJobs.checkpointBytes(checkpoint, REQUEST);
		assertTrue(DiffusionJobs.activationBytes(checkpoint, REQUEST) + weights.streamed() < resident - 1, "streaming holds less than all the weights");
		return "sim:rtx4090=" + (resident - 1);
	}

	private RgbImage generate(String device, GenerationListener listener) throws Exception {
		JobHandle<List<Path>> job = diffusion.submit(checkpoint, REQUEST, device, root.resolve(device.replace(':', '_')), listener);
		return Images.read(job.result().join().get(0), 1 << 24);
	}

	private VramLease lease(String device) {
		return devices.leases().stream().filter(l -> l.deviceId().equals(device) && l.owner().client().equals("diffusion tiny-sd1.safetensors"))
				.findFirst().orElseThrow();
	}

	@Test
	void aCardTooSmallForTheWeightsStreamsThemAndGivesTheBigCardsImage() throws Exception {
		RgbImage big = generate("sim:rtx4090", GenerationListener.NONE);

		String small = tooSmallForItsWeights();
		List<String> warnings = new CopyOnWriteArrayList<>();
		List<Long> heldBetweenSteps = new CopyOnWriteArrayList<>();
		RgbImage streamed = generate(small, new GenerationListener() {
			@Override
			public void step(int step, int steps, List<RgbImage> previews) {
				heldBetweenSteps.add(lease(small).allocatedBytes());
			}

			@Override
			public void warning(String message) {
				warnings.add(message);
			}
		});
		assertArrayEquals(big.pixels(), streamed.pixels(), "the same kernels on the same weights");
		assertEquals(List.of("weights streamed from host memory: " + Workloads.gib(weights.streamed()) + " of " + Workloads.gib(weights.resident())
				+ " on the card at a time (" + small + " cannot hold the " + Workloads.gib(DiffusionJobs.checkpointBytes(checkpoint, REQUEST))
				+ " this model needs with all its weights on it)"), warnings);
		assertEquals(REQUEST.steps(), heldBetweenSteps.size());
		for (long held : heldBetweenSteps) {
			assertTrue(held > 0 && held <= weights.streamed(), held + " bytes held on the card, the budget is " + weights.streamed());
		}
		VramLease lease = lease(small);
		assertEquals(DiffusionJobs.activationBytes(checkpoint, REQUEST) + weights.streamed(), lease.bytes(), "activations plus the streamed weights");
		assertTrue(lease.evictable() && !lease.busy(), "evictable while idle");
	}

	@Test
	void theNextJobOnAnEvictedCardLoadsTheCheckpointAgain() throws Exception {
		String small = tooSmallForItsWeights();
		RgbImage first = generate(small, GenerationListener.NONE);
		assertTrue(devices.evict(lease(small)));
		assertTrue(devices.leases().stream().noneMatch(l -> l.deviceId().equals(small)), "the memory went back");
		assertArrayEquals(first.pixels(), generate(small, GenerationListener.NONE).pixels(), "loaded again, the same image");
	}

	@Test
	void aCardTooSmallEvenToStreamIsRefusedNamingBothSizes() throws Exception {
		long streamedBytes = DiffusionJobs.activationBytes(checkpoint, REQUEST) + weights.streamed();
		String card = "sim:rtx4090=" + (streamedBytes - 1);
		CompletionException e = assertThrows(CompletionException.class,
				() -> diffusion.submit(checkpoint, REQUEST, card, root, GenerationListener.NONE).result().join());
		String message = e.getCause().getMessage();
		assertTrue(message.startsWith(checkpoint + " cannot fit " + card + ": " + Workloads.gib(DiffusionJobs.checkpointBytes(checkpoint, REQUEST))
				+ " with its weights on the card, " + Workloads.gib(streamedBytes) + " with them streamed from host memory"), message);
		assertTrue(devices.leases().stream().noneMatch(l -> l.deviceId().equals(card)), "nothing is left leased");
	}

	@Test
	void generateOnASmallSimulatedCardSaysItStreamsAndWritesTheImage() throws Exception {
		String small = tooSmallForItsWeights();
		GenerateRun run = GenerateRun.of(diffusion, cli(small));
		assertEquals(0, run.code(), run.err());
		assertTrue(run.err().contains("warning: weights streamed from host memory: " + Workloads.gib(weights.streamed())), run.err());
		assertTrue(run.out().strip().endsWith(".png"), run.out());

		String tiny = "sim:rtx4090=" + (DiffusionJobs.activationBytes(checkpoint, REQUEST) + weights.streamed() - 1);
		GenerateRun refused = GenerateRun.of(diffusion, cli(tiny));
		assertNotEquals(0, refused.code());
		assertTrue(refused.err().contains("cannot fit " + tiny + ": "), refused.err());
		assertFalse(refused.err().contains("warning: weights streamed"), refused.err());
	}

	private List<String> cli(String device) {
		return new ArrayList<>(List.of("generate", "--model", checkpoint.toString(), "--device", device, "--prompt", REQUEST.prompt(), "--sampler", "euler",
				"--steps", "3", "--seed", "42", "--size", "64x64", "--out", root.resolve("cli").toString()));
	}
}
