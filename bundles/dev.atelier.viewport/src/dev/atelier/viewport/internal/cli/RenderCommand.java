package dev.atelier.viewport.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.ProgressBar;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.DeviceService;
import dev.atelier.viewport.gltf.GltfLoader;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.trace.BuiltinScenes;
import dev.atelier.viewport.trace.FlatScene;
import dev.atelier.viewport.trace.Progress;
import dev.atelier.viewport.trace.RenderBackend;
import dev.atelier.viewport.trace.RenderJob;
import dev.atelier.viewport.trace.RenderResult;
import dev.atelier.viewport.trace.Settings;

/** {@code atelier render FILE.gltf|FILE.glb|--scene cornell …}: a path-traced PNG as a job, with a progress bar and the rays per second. */
@Component(service = Subcommand.class)
public final class RenderCommand implements Subcommand {

	private final JobService jobs;
	private final DeviceService devices;
	private final Outputs outputs;

	@Activate
	public RenderCommand(@Reference JobService jobs, @Reference DeviceService devices, @Reference Outputs outputs) {
		this.jobs = jobs;
		this.devices = devices;
		this.outputs = outputs;
	}

	@Override
	public String name() {
		return "render";
	}

	@Override
	public String summary() {
		return "path-trace a glTF scene or the built-in Cornell box to a PNG";
	}

	@Override
	public String usage() {
		return """
				usage: atelier render FILE.gltf|FILE.glb [options]
				       atelier render --scene cornell|spheres|furnace|sphere-field [options]

				Path-traces the scene (its first camera, else a view framing it) and writes a PNG; progress goes to
				stderr, the PNG's path and the rays per second to stdout.

				  --spp N             samples per pixel (default 256)
				  --size WxH          image size (default 1280x720)
				  --bounces N         scattering events per path (default 8)
				  --backend cpu|cuda  where to trace (default cpu); cuda takes the first CUDA device, cuda:N that one
				  --time SECONDS      stop after the pass that crosses this time (default: no limit)
				  --seed N            the random sequence (default 0); the image depends on it only
				  --denoise           write the edge-aware denoised image
				  --out FILE.png      where to write (default <workspace>/outputs/render/NNNNN-<scene>.png, numbered)""";
	}

	@Override
	public int run(CommandContext ctx) {
		RenderOptions o;
		try {
			o = RenderOptions.parse(ctx.args());
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier render: " + e.getMessage() + " (see atelier render --help)");
			return 2;
		}
		if (o.help()) {
			ctx.out().println(usage());
			return 0;
		}
		RenderBackend backend;
		try {
			backend = RenderBackend.named(o.backend(), devices);
		} catch (IllegalStateException e) {
			ctx.err().println("atelier render: " + e.getMessage() + "; use --backend cpu");
			return 1;
		}
		Scene scene;
		try {
			scene = o.scene() != null ? BuiltinScenes.named(o.scene()) : GltfLoader.load(o.file(), note -> ctx.err().println("note: " + note));
		} catch (IOException | IllegalArgumentException e) {
			ctx.err().println("atelier render: " + e.getMessage());
			return 1;
		}
		RenderJob.Target target = o.out() != null ? RenderJob.Target.file(outputs, o.out())
				: RenderJob.Target.numbered(outputs, outputs.folder(Outputs.RENDER), scene.name());
		Path[] out = new Path[1];
		Settings settings = Settings.defaults().withSpp(o.spp()).withMaxBounces(o.bounces()).withSeed(o.seed())
				.withTimeLimit(o.time() == null ? Duration.ZERO : o.time()).withDenoise(o.denoise());
		ProgressBar bar = new ProgressBar(ctx.err(), "rendering");
		RenderJob render = new RenderJob(o.scene() != null ? "builtin:" + o.scene() : o.file().toString(), Camera.viewOf(scene), o.width(), o.height(),
				settings, backend, 0f);
		JobHandle<RenderResult> job = jobs.submit("render " + scene.name() + " " + o.width() + "x" + o.height(), jc -> render.run(jc, () -> FlatScene.of(scene),
				(image, text) -> out[0] = target.write(image, text),
				(progress, film) -> bar.update(progress.samples(), progress.targetSamples(), "spp")));
		try {
			RenderResult r = job.result().join();
			bar.done();
			Progress p = r.progress();
			ctx.out().println(out[0]);
			ctx.out().printf(Locale.ROOT, "%d spp in %.2f s: %.2f Mrays/s (%.2f M primary rays/s)%s%n", p.samples(), p.elapsedNanos() / 1e9, p.mraysPerSecond(),
					p.primaryRays() / (p.elapsedNanos() / 1e3), r.stop() == RenderResult.Stop.TIME_LIMIT ? ", stopped at the time limit" : "");
			return 0;
		} catch (CompletionException e) {
			bar.done();
			if (e.getCause() instanceof JobCancelledException) {
				ctx.err().println("atelier render: cancelled");
				return 130;
			}
			ctx.err().println("atelier render: " + e.getCause().getMessage());
			return 1;
		}
	}

	/** The options of one render. */
	record RenderOptions(boolean help, Path file, String scene, int spp, int width, int height, int bounces, String backend, Duration time, long seed,
			boolean denoise, Path out) {

		static RenderOptions parse(List<String> args) {
			Path file = null;
			String scene = null;
			int spp = 256;
			int width = 1280;
			int height = 720;
			int bounces = 8;
			String backend = "cpu";
			Duration time = null;
			long seed = 0;
			boolean denoise = false;
			Path out = null;
			for (int i = 0; i < args.size(); i++) {
				String a = args.get(i);
				switch (a) {
				case "--help", "-h" -> {
					return new RenderOptions(true, null, null, 0, 0, 0, 0, "cpu", null, 0, false, null);
				}
				case "--denoise" -> denoise = true;
				case "--scene" -> scene = value(args, ++i, a);
				case "--spp" -> spp = positive(a, value(args, ++i, a));
				case "--bounces" -> bounces = Integer.parseInt(value(args, ++i, a));
				case "--size" -> {
					String[] wh = value(args, ++i, a).toLowerCase(Locale.ROOT).split("x");
					if (wh.length != 2) {
						throw new IllegalArgumentException("--size takes WIDTHxHEIGHT, e.g. 1280x720");
					}
					width = positive(a, wh[0]);
					height = positive(a, wh[1]);
				}
				case "--backend" -> {
					backend = value(args, ++i, a);
					if (!backend.equals("cpu") && !backend.equals("cuda") && !backend.matches("cuda:\\d+")) {
						throw new IllegalArgumentException("--backend is cpu, cuda or cuda:N, not '" + backend + "'");
					}
				}
				case "--time" -> time = Duration.ofMillis(Math.round(1000 * Double.parseDouble(value(args, ++i, a))));
				case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
				case "--out" -> out = Path.of(value(args, ++i, a));
				default -> {
					if (a.startsWith("-")) {
						throw new IllegalArgumentException("unknown option '" + a + "'");
					}
					if (file != null) {
						throw new IllegalArgumentException("one scene file, not '" + file + "' and '" + a + "'");
					}
					file = Path.of(a);
				}
				}
			}
			if ((file == null) == (scene == null)) {
				throw new IllegalArgumentException("give a FILE.gltf|FILE.glb or --scene cornell, not " + (file == null ? "neither" : "both"));
			}
			if (width > 16384 || height > 16384) {
				throw new IllegalArgumentException("--size " + width + "x" + height + " is over 16384 a side");
			}
			return new RenderOptions(false, file, scene, spp, width, height, bounces, backend, time, seed, denoise, out);
		}

		private static String value(List<String> args, int i, String option) {
			if (i >= args.size()) {
				throw new IllegalArgumentException(option + " needs a value");
			}
			return args.get(i);
		}

		private static int positive(String option, String value) {
			try {
				int v = Integer.parseInt(value.strip());
				if (v < 1) {
					throw new NumberFormatException();
				}
				return v;
			} catch (NumberFormatException e) {
				throw new IllegalArgumentException(option + " takes a positive whole number, not '" + value + "'");
			}
		}
	}
}
