package dev.atelier.diffusion.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.atelier.cli.CommandContext;
import dev.atelier.diffusion.DiffusionModel;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.StableDiffusion;
import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.internal.ort.OrtExecutor;
import dev.atelier.diffusion.scheduler.Sampler;

/** The diffusion benchmark: throughput by batch size, and the loop's overhead over the UNet's session.run. */
final class DiffusionBench {

	private DiffusionBench() {
	}

	static int run(CommandContext ctx, List<String> args) {
		Path model = null;
		int width = 512;
		int height = 512;
		int steps = 10;
		int threads = 0;
		List<Integer> batches = List.of(1, 2, 4, 8);
		try {
			for (int i = 0; i < args.size(); i++) {
				String option = args.get(i);
				if (i + 1 >= args.size()) {
					throw new IllegalArgumentException(option + " needs a value");
				}
				String value = args.get(++i);
				switch (option) {
				case "--model" -> model = Path.of(value);
				case "--size" -> {
					String[] wh = value.split("x");
					if (wh.length != 2) {
						throw new IllegalArgumentException("--size takes WIDTHxHEIGHT, e.g. 512x512, not '" + value + "'");
					}
					width = Integer.parseInt(wh[0]);
					height = Integer.parseInt(wh[1]);
				}
				case "--steps" -> steps = Integer.parseInt(value);
				case "--threads" -> threads = Integer.parseInt(value);
				case "--batches" -> {
					List<Integer> list = new ArrayList<>();
					for (String b : value.split(",")) {
						list.add(Integer.parseInt(b.strip()));
					}
					batches = List.copyOf(list);
				}
				default -> throw new IllegalArgumentException("unknown option '" + option + "'");
				}
			}
			if (model == null) {
				throw new IllegalArgumentException("--model DIR is needed");
			}
		} catch (NumberFormatException e) {
			ctx.err().println("atelier diffusion bench: a number was expected: " + e.getMessage() + " (see atelier help diffusion)");
			return 2;
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier diffusion bench: " + e.getMessage() + " (see atelier help diffusion)");
			return 2;
		}
		try (DiffusionModel m = DiffusionModel.open(model, new OrtExecutor(), Placement.cpu(threads))) {
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
