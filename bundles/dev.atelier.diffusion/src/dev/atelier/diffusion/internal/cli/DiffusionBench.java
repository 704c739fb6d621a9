package dev.atelier.diffusion.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.ImageSize;
import dev.atelier.diffusion.internal.pipeline.DiffusionModel;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.internal.pipeline.StableDiffusion;
import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.internal.ort.GraphExecutors;
import dev.atelier.diffusion.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code atelier diffusion bench}: throughput by batch size, and the loop's overhead over the UNet's session.run. */
@Command(name = "bench", header = "images/s by batch size and the pipeline's overhead over the UNet", description = {
		"Generates on the CPU provider (Euler, after one warm-up) and prints per batch size: images/s, and the pipeline's overhead in the "
				+ "denoising loop = (loop time − time inside the UNet's session.run) / time inside session.run." })
final class DiffusionBench implements Callable<Integer> {

	@ParentCommand
	private DiffusionCommand.Diffusion parent;

	@Option(names = "--model", paramLabel = "DIR", required = true, description = "the pipeline folder")
	private Path model;

	@Option(names = "--size", paramLabel = "WxH", description = "image size (default 512x512)")
	private ImageSize size = new ImageSize(512, 512);

	@Option(names = "--steps", paramLabel = "N", description = "denoising steps (default 10)")
	private int steps = 10;

	@Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime's threads, 0 for one per core (default 0)")
	private int threads;

	@Option(names = "--batches", paramLabel = "N,N…", split = ",", defaultValue = "1,2,4,8", description = "batch sizes to measure (default 1,2,4,8)")
	private List<Integer> batches;

	@Override
	public Integer call() {
		CommandContext ctx = parent.ctx();
		int width = size.width();
		int height = size.height();
		try (DiffusionModel m = DiffusionModel.open(model, GraphExecutors.onnx(), Placement.cpu(threads))) {
			StableDiffusion sd = new StableDiffusion(m);
			GenerationRequest base = new GenerationRequest("a photograph of an astronaut riding a horse", "", Sampler.EULER, steps, 7.5, 1, width, height, 1,
					null, 0.6);
			sd.generate(base, GenerationListener.NONE, () -> false);
			ctx.out().printf(Locale.ROOT, "model %s, %dx%d, %d steps, Euler, CFG on, ONNX Runtime CPU, %d threads (0 = one per core), %d cores%n", m.name(), width,
					height, steps, threads, Runtime.getRuntime().availableProcessors());
			ctx.out().println("batch  seconds  images/s  s/step  unet run s/step  overhead");
			for (int batch : batches) {
				long start = System.nanoTime();
				sd.generate(base.withBatch(batch), GenerationListener.NONE, () -> false);
				double seconds = (System.nanoTime() - start) / 1e9;
				StableDiffusion.Timings t = sd.lastTimings();
				ctx.out().printf(Locale.ROOT, "%5d  %7.3f  %8.3f  %6.4f  %15.4f  %7.2f%%%n", batch, seconds, batch / seconds, t.loop().toNanos() / 1e9 / t.steps(),
						t.unet().toNanos() / 1e9 / t.steps(), 100 * t.overhead());
			}
			return 0;
		} catch (IOException | IllegalArgumentException e) {
			ctx.err().println("atelier diffusion bench: " + e.getMessage());
			return 1;
		}
	}
}
