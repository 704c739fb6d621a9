package dev.atelier.viewport.internal.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.ProgressBar;
import dev.atelier.cli.DeviceId;
import dev.atelier.cli.ImageSize;
import dev.atelier.cli.Subcommand;
import dev.atelier.cli.UsageException;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.DeviceService;
import dev.atelier.viewport.internal.gltf.GltfLoader;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.internal.trace.Film;
import dev.atelier.viewport.internal.trace.FlatScene;
import dev.atelier.viewport.internal.trace.Progress;
import dev.atelier.viewport.internal.trace.RenderBackend;
import dev.atelier.viewport.internal.trace.RenderJob;
import dev.atelier.viewport.internal.trace.RenderResult;
import dev.atelier.viewport.internal.trace.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

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
	public Object newCommand(CommandContext ctx) {
		return new Render(ctx);
	}

	@Command(name = "render", header = "path-trace a glTF scene or the built-in Cornell box to a PNG", customSynopsis = {
			"atelier render FILE.gltf|FILE.glb [options]",
			"       atelier render --scene cornell|spheres|furnace|sphere-field [options]" }, description = {
					"Path-traces the scene (its first camera, else a view framing it) and writes a PNG; progress goes to stderr, the PNG's path "
							+ "and the rays per second to stdout." })
	private final class Render implements Callable<Integer> {

		private static final int MAX_SIDE = 16384;

		private final CommandContext ctx;

		@Parameters(paramLabel = "FILE", arity = "0..1", description = "a glTF scene: .gltf (with its .bin and images) or .glb")
		private Path file;

		@Option(names = "--scene", paramLabel = "cornell|spheres|furnace|sphere-field", description = "a built-in scene instead of a file")
		private String scene;

		@Option(names = "--spp", paramLabel = "N", description = "samples per pixel (default 256)")
		private int spp = 256;

		@Option(names = "--size", paramLabel = "WxH", description = "image size (default 1280x720)")
		private ImageSize size = new ImageSize(1280, 720);

		@Option(names = "--bounces", paramLabel = "N", description = "scattering events per path (default 8)")
		private int bounces = 8;

		@Option(names = "--device", paramLabel = "ID", description = {
				"where to trace: cpu (default), cuda:N, or auto (the first CUDA device that runs the path tracer, else the CPU)" })
		private DeviceId device;

		@Option(names = "--devices", paramLabel = "LIST", description = {
				"one render split over several devices: ids separated by commas (cuda:0,cuda:1), or all (every CUDA GPU); rows go to "
						+ "each by its measured speed, and the image is the one a single device renders for the seed" })
		private String deviceList;

		@Option(names = "--backend", paramLabel = "cpu|cuda", description = "as --device, in the older words: cuda is the first CUDA device, cuda:N that one")
		private String backend;

		@Option(names = "--time", paramLabel = "DURATION", description = "stop after the pass that crosses this time: 30s, 2m, plain seconds (default: no limit)")
		private Duration time = Duration.ZERO;

		@Option(names = "--seed", paramLabel = "N", description = "the random sequence (default 0); the image depends on it only")
		private long seed;

		@Option(names = "--denoise", description = "write the edge-aware denoised image")
		private boolean denoise;

		@Option(names = "--out", paramLabel = "FILE.png", description = "where to write (default <workspace>/outputs/render/NNNNN-<scene>.png, numbered)")
		private Path out;

		Render(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			if ((file == null) == (scene == null)) {
				throw new UsageException("give a FILE.gltf|FILE.glb or --scene cornell, not " + (file == null ? "neither" : "both"));
			}
			UsageException.atLeast(1, spp, "--spp");
			UsageException.atLeast(0, bounces, "--bounces");
			if (size.width() > MAX_SIDE || size.height() > MAX_SIDE) {
				throw new UsageException("--size " + size + " is over " + MAX_SIDE + " a side");
			}
			checkMemory(size, Runtime.getRuntime());
			if (out != null) {
				UsageException.writableFile(out, "--out");
			}
			RenderBackend renderer;
			try {
				renderer = backend();
			} catch (IllegalArgumentException e) { // a device the path tracer does not run on
				throw new UsageException(e.getMessage());
			} catch (IllegalStateException e) {
				ctx.err().println("atelier render: " + e.getMessage() + "; use --device cpu");
				return 1;
			}
			Scene loaded;
			try {
				loaded = scene != null ? BuiltinScenes.named(scene) : GltfLoader.load(file, note -> ctx.err().println("note: " + note));
			} catch (IOException | IllegalArgumentException e) {
				ctx.err().println("atelier render: " + e.getMessage());
				return 1;
			}
			RenderJob.Target target = out != null ? RenderJob.Target.file(outputs, out)
					: RenderJob.Target.numbered(outputs, outputs.folder(Outputs.RENDER), loaded.name());
			Path[] written = new Path[1];
			Settings settings = Settings.defaults().withSpp(spp).withMaxBounces(bounces).withSeed(seed).withTimeLimit(time).withDenoise(denoise);
			ProgressBar bar = new ProgressBar(ctx.err(), "rendering");
			RenderJob render = new RenderJob(scene != null ? "builtin:" + scene : file.toString(), Camera.viewOf(loaded), size.width(), size.height(),
					settings, renderer, 0f);
			JobHandle<RenderResult> job = jobs.submit("render " + loaded.name() + " " + size, jc -> render.run(jc, () -> FlatScene.of(loaded),
					(image, text) -> written[0] = target.write(image, text),
					(progress, film) -> bar.update(progress.samples(), progress.targetSamples(), "spp")));
			try {
				RenderResult r = job.result().join();
				bar.done();
				Progress p = r.progress();
				ctx.out().println(written[0]);
				ctx.out().printf(Locale.ROOT, "%d spp in %.2f s: %.2f Mrays/s (%.2f M primary rays/s)%s%n", p.samples(), p.elapsedNanos() / 1e9,
						p.mraysPerSecond(), p.primaryRays() / (p.elapsedNanos() / 1e3), r.stop() == RenderResult.Stop.TIME_LIMIT ? ", stopped at the time limit" : "");
				if (!r.work().isEmpty()) {
					long all = r.work().values().stream().mapToLong(Long::longValue).sum();
					ctx.out().println("split: " + r.work().entrySet().stream()
							.map(e -> String.format(Locale.ROOT, "%s %.1f %%", e.getKey(), 100.0 * e.getValue() / Math.max(1, all))).collect(Collectors.joining(", ")));
				}
				return 0;
			} catch (CompletionException e) {
				bar.done();
				if (e.getCause() instanceof JobCancelledException) {
					ctx.err().println("atelier render: cancelled");
					return 130;
				}
				if (e.getCause() instanceof Error error) {
					throw error; // the CLI reports it (out of memory, …) in words
				}
				ctx.err().println("atelier render: " + e.getCause().getMessage());
				return 1;
			}
		}

		/** Refuses up front an image whose film would not fit in the heap: failing after the BVH and part of the tracing helps no one. */
		private static void checkMemory(ImageSize size, Runtime rt) {
			long need = Film.RENDER_BYTES_PER_PIXEL * size.width() * size.height();
			long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
			if (need > free) {
				throw new UsageException(String.format(Locale.ROOT,
						"--size %s needs about %.1f GiB of memory, more than the %.1f GiB the Java heap has free; a smaller size, or give Java more "
								+ "with ATELIER_VMARGS=-Xmx<size>",
						size, need / (double) (1L << 30), free / (double) (1L << 30)));
			}
		}

		/** --devices, or --device or its older spelling --backend, as RenderBackend names them (cpu, cuda, cuda:N). */
		private RenderBackend backend() {
			if (device != null && backend != null) {
				throw new UsageException("--device and --backend choose the same thing: give one");
			}
			if (deviceList != null) {
				if (device != null || backend != null) {
					throw new UsageException("--devices and " + (device != null ? "--device" : "--backend") + " choose the same thing: give one");
				}
				try {
					return RenderBackend.over(devices.resolveAll(deviceList), devices);
				} catch (IllegalArgumentException e) {
					throw new UsageException("--devices " + deviceList + ": " + e.getMessage());
				}
			}
			if (backend != null && !backend.matches("cpu|cuda|cuda:\\d+")) {
				throw new UsageException("--backend: '" + backend + "' is not cpu, cuda or cuda:N");
			}
			if (device != null && device.isAuto()) {
				try {
					return RenderBackend.named("cuda", devices);
				} catch (IllegalStateException e) { // no CUDA device that runs the path tracer: the CPU does
					return RenderBackend.named("cpu", devices);
				}
			}
			return RenderBackend.named(backend != null ? backend : device != null ? device.id() : "cpu", devices);
		}
	}
}
