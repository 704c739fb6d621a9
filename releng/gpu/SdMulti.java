package dev.atelier.diffusion.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.atelier.compute.internal.ComputeRuntimeService;
import dev.atelier.core.internal.ExecutorJobService;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.DeviceService;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.device.plan.Planner;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.internal.ort.GraphExecutors;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * A batch of SD 1.5-shaped images on one card and spread over several (releng/gpu/multi.sh sd): the full SD 1.5
 * checkpoint of formula weights (F16, as llm.sh sd's SdCheck writes it), through the diffusion queue as {@code atelier
 * generate --device} and {@code --devices} run it; the same batch, seeds and steps both ways, after a warm-up that
 * loads a model copy on every card. Prints images/s of each and their ratio, whether the images are identical, and
 * PASSED when they are and the ratio reaches the goal. With one device in DEVICES (a host of one GPU) it checks only
 * the images: the runs two cards would take, generated one after the other on that card, against the batch in one go.
 * In the package of the queue for its constructor without OSGi.
 *   SdMulti WORK [BATCH [STEPS [DEVICES [GOAL]]]]   (defaults 8, 20, cuda:0,cuda:1, 1.9)
 */
public final class SdMulti {

	public static void main(String[] args) throws Exception {
		Path work = Files.createDirectories(Path.of(args[0]));
		int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
		int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
		List<String> cards = List.of((args.length > 3 ? args[3] : "cuda:0,cuda:1").split(","));
		double goal = args.length > 4 ? Double.parseDouble(args[4]) : 1.9;
		Path model = work.resolve("sd15-F16.safetensors");
		if (!Files.exists(model)) {
			FormulaWeights.write(LdmLayout.SD15, "F16", model);
		}
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		CudaDevices cuda = new CudaDevices();
		registry.addProvider(cuda);
		registry.addProvider(new CpuDevice());
		DeviceService devices = BundleDeviceService.forBundle(registry, "dev.atelier.diffusion");
		ExecutorJobService jobs = new ExecutorJobService();
		DiffusionJobs diffusion = new DiffusionJobs(jobs, devices, Outputs.under(work.resolve("outputs")), GraphExecutors.onnx(), new ComputeRuntimeService(),
				work.resolve("loras"), work);
		GenerationRequest request = new GenerationRequest("a photo of a lighthouse at dusk", "", Sampler.EULER_A, steps, 7.5, 1000, 512, 512, batch, null, 0.6);
		boolean passed;
		try {
			passed = cards.size() == 1 ? runsOnOneCard(diffusion, model, request, cards.getFirst(), work) : timed(diffusion, model, request, cards, goal, work);
		} finally {
			diffusion.close();
			jobs.shutdown();
			registry.shutdown();
			cuda.close();
		}
		System.out.println(passed ? "SD MULTI PASSED" : "SD MULTI FAILED");
		System.exit(passed ? 0 : 1);
	}

	/** The batch on the first card, then spread over them all, each after a warm-up; identical images and the goal pass. */
	private static boolean timed(DiffusionJobs diffusion, Path model, GenerationRequest request, List<String> cards, double goal, Path work) throws Exception {
		// loads the model on each card and runs every shape once: the timed runs measure generation only
		diffusion.submit(model, request.withSteps(2), cards.getFirst(), work.resolve("warm-one"), GenerationListener.NONE).result().join();
		diffusion.submit(model, request.withSteps(2), cards, work.resolve("warm-split"), GenerationListener.NONE).result().join();

		long t = System.nanoTime();
		List<Path> one = diffusion.submit(model, request, cards.getFirst(), work.resolve("one"), GenerationListener.NONE).result().join();
		double oneSeconds = (System.nanoTime() - t) / 1e9;
		t = System.nanoTime();
		List<Path> split = diffusion.submit(model, request, cards, work.resolve("split"), GenerationListener.NONE).result().join();
		double splitSeconds = (System.nanoTime() - t) / 1e9;

		double ratio = oneSeconds / splitSeconds;
		System.out.printf(Locale.ROOT, "SD 1.5 F16 512x512, %d images, %d steps: %s %.3f images/s (%.1f s); %s %.3f images/s (%.1f s); ratio %.2f (goal %.2f)%n",
				request.batch(), request.steps(), cards.getFirst(), request.batch() / oneSeconds, oneSeconds, String.join("+", cards),
				request.batch() / splitSeconds, splitSeconds, ratio, goal);
		return identical(one, split) && ratio >= goal;
	}

	/** The runs of a split over two cards, one after the other on one card, against the batch in one go. */
	private static boolean runsOnOneCard(DiffusionJobs diffusion, Path model, GenerationRequest request, String card, Path work) throws Exception {
		List<Path> one = diffusion.submit(model, request, card, work.resolve("one"), GenerationListener.NONE).result().join();
		List<Path> runs = new ArrayList<>();
		int first = 0;
		for (int n : Planner.splitBatch(request.batch(), 2)) {
			runs.addAll(diffusion.submit(model, request.withSeed(request.seed() + first).withBatch(n), card, work.resolve("run" + first), GenerationListener.NONE)
					.result().join());
			first += n;
		}
		System.out.printf(Locale.ROOT, "SD 1.5 F16 512x512, %d images, %d steps on %s: the two cards' runs one after the other against one batch "
				+ "(no second card: no timing)%n", request.batch(), request.steps(), card);
		return identical(one, runs);
	}

	private static boolean identical(List<Path> one, List<Path> split) throws IOException {
		int differing = 0;
		int largest = 0;
		for (int i = 0; i < one.size(); i++) {
			int d = largestChannelDifference(Images.read(one.get(i), 1 << 24).pixels(), Images.read(split.get(i), 1 << 24).pixels());
			differing += d > 0 ? 1 : 0;
			largest = Math.max(largest, d);
		}
		System.out.printf(Locale.ROOT, "images identical: %s (%d of %d differ, largest channel difference %d)%n", differing == 0 ? "yes" : "NO", differing,
				one.size(), largest);
		return differing == 0 && split.size() == one.size();
	}

	/** The largest difference of one 8-bit channel between two images' packed RGB pixels (0: identical). */
	private static int largestChannelDifference(int[] a, int[] b) {
		if (a.length != b.length) {
			return 255;
		}
		int largest = 0;
		for (int i = 0; i < a.length; i++) {
			for (int shift = 0; shift < 24; shift += 8) {
				largest = Math.max(largest, Math.abs(((a[i] >> shift) & 0xff) - ((b[i] >> shift) & 0xff)));
			}
		}
		return largest;
	}
}
