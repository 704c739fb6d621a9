package dev.atelier.diffusion.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.core.outputs.RgbImage;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.DeviceId;
import dev.atelier.cli.DeviceSelection;
import dev.atelier.cli.ImageSize;
import dev.atelier.cli.ProgressBar;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationOptions;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Sampler;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.diffusion.internal.pipeline.CheckpointModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code atelier generate --model DIR --prompt TEXT …}: Stable Diffusion from the command line, through the same queue as the IDE. */
@Component(service = Subcommand.class)
public final class GenerateCommand implements Subcommand {

	private final DiffusionService diffusion;
	private final DeviceService devices;

	@Activate
	public GenerateCommand(@Reference DiffusionService diffusion, @Reference DeviceService devices) {
		this.diffusion = diffusion;
		this.devices = devices;
	}

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Generate(ctx);
	}

	/** {@code --sampler}: a sampler's CLI or display name. */
	static final class SamplerName implements ITypeConverter<Sampler> {
		@Override
		public Sampler convert(String name) {
			return Sampler.parse(name);
		}
	}

	@Command(name = "generate", header = "generate images with Stable Diffusion (txt2img, img2img)", description = {
			"Runs a Stable Diffusion 1.x/2.x pipeline in diffusers' ONNX layout (model_index.json, text_encoder/, unet/, vae_decoder/, "
					+ "vae_encoder/, tokenizer/, scheduler/), or an SD 1.x, 2.x or SDXL checkpoint on Atelier's native engine (txt2img, img2img, inpainting), and writes one PNG per image, with AUTOMATIC1111's \"parameters\" text in it. Prints the "
					+ "written files; progress goes to stderr." })
	private final class Generate implements Callable<Integer> {

		private final CommandContext ctx;

		@Option(names = "--model", paramLabel = "FILE|DIR", required = true, description = {"a diffusers ONNX pipeline folder (ONNX Runtime), or an SD 1.x, "
				+ "SD 2.x or SDXL base checkpoint file (.safetensors, .ckpt) or diffusers safetensors folder (the native engine; "
				+ "inpainting checkpoints with --init and --mask). A single file's v-prediction (SD 2.x 768-v) is read from AUTOMATIC1111's "
				+ "sidecar config (NAME.yaml with parameterization: \"v\"), else from the file's v_pred key or ComfyUI's test of its weights"})
		private Path model;

		@Option(names = "--prompt", paramLabel = "TEXT", required = true, description = "what to draw, weighted as AUTOMATIC1111 reads it ((word:1.2), (word), [word], BREAK); a prompt longer than 75 tokens "
				+ "runs in chunks of 75 (an ONNX pipeline whose UNet takes 77 tokens drops the rest with a warning)")
		private String prompt;

		@Option(names = "--negative", paramLabel = "TEXT", description = "what to steer away from (default: empty)")
		private String negative = "";

		@Option(names = "--steps", paramLabel = "N", description = "denoising steps, 1..1000 (default 20)")
		private int steps = 20;

		@Option(names = "--sampler", paramLabel = "euler_a|euler|ddim|dpmpp_2m|dpmpp_2m_karras|lms", converter = SamplerName.class,
				description = "the sampler (default euler_a)")
		private Sampler sampler = Sampler.EULER_A;

		@Option(names = "--cfg", paramLabel = "X", description = "classifier-free guidance scale, 0..100; 1 or less turns guidance off (default 7.5)")
		private double cfg = 7.5;

		@Option(names = "--seed", paramLabel = "N", description = "seed of the first image; image i of a batch uses N+i; -1 (the default) draws a random one, printed")
		private long seed = GenerationRequest.RANDOM_SEED;

		@Option(names = "--size", paramLabel = "WxH", description = "image size, multiples of 8 in 64..4096 (default 512x512)")
		private ImageSize size = new ImageSize(512, 512);

		@Option(names = "--batch", paramLabel = "N", description = "images generated together, 1..64 (default 1)")
		private int batch = 1;

		@Option(names = "--init", paramLabel = "IMAGE", description = "start from this image (img2img); it is scaled to --size")
		private Path init;

		@Option(names = "--mask", paramLabel = "IMAGE", description = "inpaint --init where this image is white (black is kept); needs an inpainting "
				+ "checkpoint (a 9-channel UNet)")
		private Path mask;

		@Option(names = "--strength", paramLabel = "X", description = "how much of the init image is replaced, in (0, 1] (default 0.6)")
		private double strength = 0.6;

		@Option(names = "--lora", paramLabel = "FILE[:W]", description = { "merge this kohya/AUTOMATIC1111 LoRA (.safetensors) into a checkpoint at "
				+ "weight W (default 1); repeatable. A prompt's <lora:NAME:W> takes NAME.safetensors from <workspace>/models/loras" })
		private List<String> loras = new ArrayList<>();

		@Option(names = "--controlnet", paramLabel = "FILE|NAME", description = { "an SD 1.5 ControlNet (ControlNet-v1.1's .pth/.safetensors with control_model. keys, "
				+ "or diffusers' ControlNetModel .safetensors) for a checkpoint file; a bare NAME is taken from <workspace>/models/controlnet. Needs --control-image" })
		private Path controlNet;

		@Option(names = "--control-image", paramLabel = "IMAGE", description = "the ControlNet's control image, cropped to --size's aspect and resized to it")
		private Path controlImage;

		@Option(names = "--control-strength", paramLabel = "X", description = "the ControlNet's weight, 0..2 (default 1)")
		private double controlStrength = 1;

		@Option(names = "--control-start", paramLabel = "F", description = "the fraction of the steps after which the ControlNet starts (default 0)")
		private double controlStart = 0;

		@Option(names = "--control-end", paramLabel = "F", description = "the fraction of the steps after which it stops (default 1)")
		private double controlEnd = 1;

		@Option(names = "--canny", description = "turn the control image into canny edges first (OpenCV's Canny, thresholds 100/200 on the L1 gradient, "
				+ "as AUTOMATIC1111's canny preprocessor)")
		private boolean canny;

		@Option(names = "--tile-vae", description = "decode (and encode --init) in overlapping tiles of 256 pixels, blended at the seams, so that "
				+ "images beyond what one VAE pass fits in memory decode; slightly different from one pass")
		private boolean tileVae;

		@Option(names = "--vae", paramLabel = "FILE|NAME", description = "a VAE (.safetensors, .ckpt, .pt) that replaces a checkpoint's own; a bare NAME is "
				+ "taken from <workspace>/models/vae")
		private Path vae;

		@Option(names = "--device", paramLabel = "ID", description = {
				"where to run: cpu (default), a GPU of 'atelier devices' (cuda:0: checkpoint files on Atelier's own kernels, ONNX folders through "
						+ "ONNX Runtime's CUDA provider), or sim:PROFILE (a simulated "
						+ "card: runs on the CPU, VRAM accounted as on that card); on a card a batch that cannot fit is refused with the planner's advice" })
		private DeviceId device;

		@Option(names = "--devices", paramLabel = "ID,ID…|all", description = { "spread the batch over these devices (all: every CUDA GPU), a copy of "
				+ "the model on each under its own lease: each takes a run of the images (as even as they go; atelier plan --devices shows the split), "
				+ "every image the one --device makes for its seed. Not with --device" })
		private DeviceSelection spread;

		@Option(names = "--out", paramLabel = "DIR", description = "where the PNGs go (default: <workspace>/outputs/diffusion)")
		private Path out;

		Generate(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			if (device != null && spread != null) {
				throw new UsageException("--device and --devices cannot be given together");
			}
			if (CheckpointModel.isCheckpoint(model)) {
				try {
					Optional<String> refusal = CheckpointReport.refusal(model);
					if (refusal.isPresent()) {
						ctx.err().println(CheckpointReport.of(model, null));
						ctx.err().println("atelier generate: " + refusal.get());
						return 1;
					}
				} catch (IOException e) {
					ctx.err().println("atelier generate: " + e.getMessage());
					return 1;
				}
			}
			GenerationRequest request;
			try {
				request = new GenerationOptions(loras, controlNet, controlImage, controlStrength, controlStart, controlEnd, canny, mask, vae, tileVae)
						.applyTo(new GenerationRequest(prompt, negative, sampler, steps, cfg, seed, size.width(), size.height(), batch, init, strength),
								GenerationOptions.Names.CLI)
						.withDrawnSeed();
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
			if (request.seed() != seed) {
				ctx.err().println("seed " + request.seed());
			}
			if (out != null) {
				UsageException.writableFolder(out, "--out");
			}
			List<String> on;
			try {
				on = spread == null ? List.of((device == null ? DeviceId.CPU : device).id())
						: devices.resolveAll(spread.toString()).stream().map(Device::id).toList();
			} catch (IllegalArgumentException e) {
				throw new UsageException("--devices " + spread + ": " + e.getMessage());
			}
			ProgressBar bar = new ProgressBar(ctx.err(), "generating");
			JobHandle<List<Path>> job;
			try {
				job = diffusion.submit(model, request, on, out, new GenerationListener() {
					@Override
					public void step(int step, int total, List<RgbImage> previews) {
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
				if (cause instanceof Error error) {
					throw error; // the CLI reports it (out of memory, …) in words
				}
				ctx.err().println("atelier generate: " + (cause instanceof IOException || cause instanceof IllegalArgumentException ? cause.getMessage() : cause));
				return 1;
			}
		}
	}
}
