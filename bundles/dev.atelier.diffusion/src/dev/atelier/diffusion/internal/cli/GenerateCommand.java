package dev.atelier.diffusion.internal.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.ProgressBar;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.scheduler.Sampler;

/** {@code atelier generate --model DIR --prompt TEXT …}: Stable Diffusion from the command line, through the same queue as the IDE. */
@Component(service = Subcommand.class)
public final class GenerateCommand implements Subcommand {

	private final DiffusionService diffusion;

	@Activate
	public GenerateCommand(@Reference DiffusionService diffusion) {
		this.diffusion = diffusion;
	}

	@Override
	public String name() {
		return "generate";
	}

	@Override
	public String summary() {
		return "generate images with a Stable Diffusion ONNX pipeline (txt2img, img2img)";
	}

	@Override
	public String usage() {
		return """
				usage: atelier generate --model DIR --prompt TEXT [options]

				Runs a Stable Diffusion 1.x/2.x pipeline in diffusers' ONNX layout (model_index.json, text_encoder/,
				unet/, vae_decoder/, vae_encoder/, tokenizer/, scheduler/) and writes one PNG per image, with
				AUTOMATIC1111's "parameters" text in it. Prints the written files; progress goes to stderr.

				  --model DIR         the pipeline folder (required)
				  --prompt TEXT       what to draw (required); CLIP reads 75 tokens, the rest is dropped with a warning
				  --negative TEXT     what to steer away from (default: empty)
				  --steps N           denoising steps, 1..1000 (default 20)
				  --sampler NAME      euler_a|euler|ddim|dpmpp_2m|dpmpp_2m_karras|lms (default euler_a)
				  --cfg X             classifier-free guidance scale, 0..100; 1 or less turns guidance off (default 7.5)
				  --seed N            seed of the first image; image i of a batch uses N+i (default: random, printed)
				  --size WxH          image size, multiples of 8 in 64..4096 (default 512x512)
				  --batch N           images generated together, 1..64 (default 1)
				  --init IMAGE        start from this image (img2img); it is scaled to --size
				  --strength X        how much of the init image is replaced, in (0, 1] (default 0.6)
				  --device ID         where to run: cpu, a GPU of 'atelier devices' (cuda:0, needs ONNX Runtime's CUDA
				                      provider), or sim:PROFILE (a simulated card: runs on the CPU, VRAM accounted as
				                      on that card); on a card a batch that cannot fit is refused with the planner's advice
				  --out DIR           where the PNGs go (default: <workspace>/outputs/diffusion)""";
	}

	@Override
	public int run(CommandContext ctx) {
		Path model = null;
		String prompt = null;
		String negative = "";
		int steps = 20;
		Sampler sampler = Sampler.EULER_A;
		double cfg = 7.5;
		Long seed = null;
		int width = 512;
		int height = 512;
		int batch = 1;
		Path init = null;
		double strength = 0.6;
		String device = "cpu";
		Path out = null;
		List<String> args = ctx.args();
		try {
			for (int i = 0; i < args.size(); i++) {
				String option = args.get(i);
				if (option.equals("--help") || option.equals("-h")) {
					ctx.out().println(usage());
					return 0;
				}
				if (!option.startsWith("--")) {
					throw new IllegalArgumentException("unexpected argument '" + option + "'");
				}
				if (i + 1 >= args.size()) {
					throw new IllegalArgumentException(option + " needs a value");
				}
				String value = args.get(++i);
				switch (option) {
				case "--model" -> model = Path.of(value);
				case "--prompt" -> prompt = value;
				case "--negative" -> negative = value;
				case "--steps" -> steps = integer(option, value);
				case "--sampler" -> sampler = Sampler.parse(value);
				case "--cfg" -> cfg = number(option, value);
				case "--seed" -> {
					try {
						seed = Long.parseLong(value.strip());
					} catch (NumberFormatException e) {
						throw new IllegalArgumentException("--seed takes a whole number, not '" + value + "'");
					}
				}
				case "--size" -> {
					String[] wh = value.toLowerCase(Locale.ROOT).split("x");
					if (wh.length != 2) {
						throw new IllegalArgumentException("--size takes WIDTHxHEIGHT, e.g. 512x768, not '" + value + "'");
					}
					width = integer(option, wh[0]);
					height = integer(option, wh[1]);
				}
				case "--batch" -> batch = integer(option, value);
				case "--init" -> init = Path.of(value);
				case "--strength" -> strength = number(option, value);
				case "--device" -> device = value;
				case "--out" -> out = Path.of(value);
				default -> throw new IllegalArgumentException("unknown option '" + option + "'");
				}
			}
			if (model == null || prompt == null) {
				throw new IllegalArgumentException("--model DIR and --prompt TEXT are needed");
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier generate: " + e.getMessage() + " (see atelier generate --help)");
			return 2;
		}
		if (seed == null) {
			seed = ThreadLocalRandom.current().nextLong(1L << 32);
			ctx.err().println("seed " + seed);
		}
		GenerationRequest request;
		try {
			request = new GenerationRequest(prompt, negative, sampler, steps, cfg, seed, width, height, batch, init, strength);
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier generate: " + e.getMessage());
			return 2;
		}
		ProgressBar bar = new ProgressBar(ctx.err(), "generating");
		JobHandle<List<Path>> job;
		try {
			job = diffusion.submit(model, request, device, out, new GenerationListener() {
				@Override
				public void step(int step, int total, List<BufferedImage> previews) {
					bar.update(step, total, "step");
				}

				@Override
				public void warning(String message) {
					bar.done();
					ctx.err().println("warning: " + message);
				}
			});
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier generate: " + e.getMessage());
			return 1;
		}
		try {
			List<Path> files = job.result().join();
			bar.done();
			files.forEach(f -> ctx.out().println(f));
			return 0;
		} catch (CompletionException e) {
			bar.done();
			Throwable cause = e.getCause();
			if (cause instanceof JobCancelledException) {
				ctx.err().println("atelier generate: cancelled");
				return 130;
			}
			ctx.err().println("atelier generate: " + (cause instanceof IOException || cause instanceof IllegalArgumentException ? cause.getMessage() : cause));
			return 1;
		}
	}

	private static int integer(String option, String value) {
		try {
			return Integer.parseInt(value.strip());
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException(option + " takes a whole number, not '" + value + "'");
		}
	}

	private static double number(String option, String value) {
		try {
			return Double.parseDouble(value.strip());
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException(option + " takes a number, not '" + value + "'");
		}
	}
}
