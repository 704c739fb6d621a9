package dev.atelier.viewport.ui.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import dev.atelier.core.internal.ExecutorJobService;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.device.DeviceService;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.internal.trace.Image;
import dev.atelier.viewport.internal.trace.RenderBackend;
import dev.atelier.viewport.internal.trace.RenderResult;
import dev.atelier.viewport.internal.trace.Settings;

/**
 * The Viewport's path tracing on a CUDA GPU, without OSGi and without a display (releng/gpu/viewport.sh): what the
 * view's CUDA button asks the device service, a progressive preview on CUDA against the same preview on the CPU
 * (passes arrive one by one; the images agree), and Render as a job on CUDA (PNG written, device noted).
 */
public final class ViewportCudaCheck {

	private static int failures;

	private ViewportCudaCheck() {
	}

	public static void main(String[] args) throws Exception {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		registry.addProvider(new CudaDevices());
		registry.addProvider(new CpuDevice());
		DeviceService devices = BundleDeviceService.forBundle(registry, "dev.atelier.viewport.ui");
		System.out.println("devices: " + devices.devices().stream().map(d -> d.id() + " (" + d.name() + ")").toList());
		// the view enables its CUDA button exactly when this succeeds (ViewportPart.offerBackends); "dry" tries the
		// check here, without a GPU, with the CPU standing in
		boolean dry = args.length > 0 && args[0].equals("dry");
		RenderBackend cuda = dry ? RenderBackend.cpu() : RenderBackend.named("cuda", devices);
		System.out.println("CUDA offered: traces on " + cuda.device());

		Scene scene = BuiltinScenes.spheres();
		OrbitCamera orbit = OrbitCamera.overview();
		int width = 480;
		int height = 320;
		orbit.frame(scene.bounds(), width / (float) height);
		Camera camera = orbit.toCamera("view", width / (float) height);
		Settings settings = Settings.defaults().withSpp(256).withMaxBounces(6).withSeed(7);
		try (PathTraces traces = new PathTraces()) {
			Image gpu = preview(traces, new PathTraces.Request(scene, camera, width, height, settings, cuda), "cuda");
			Image cpu = preview(traces, new PathTraces.Request(scene, camera, width, height, settings, RenderBackend.cpu()), "cpu");
			double g = gpu.average();
			double c = cpu.average();
			double rmse = Image.rmse(gpu, cpu);
			System.out.printf(Locale.ROOT, "mean radiance: cuda %.5f, cpu %.5f (%.3f %%); RMSE %.5f%n", g, c, 100 * (g - c) / c, rmse);
			check(Math.abs(g - c) <= 0.01 * c, "the CUDA preview's mean is within 1 % of the CPU's");

			ExecutorJobService jobs = new ExecutorJobService();
			Path folder = Files.createTempDirectory("viewport-cuda");
			JobHandle<PathTraces.Rendered> job = traces.render(jobs, new PathTraces.Request(scene, camera, width, height, settings.withSpp(64), cuda),
					"builtin:Spheres", folder, 0, (p, mean) -> {
					});
			PathTraces.Rendered r = job.result().get(5, TimeUnit.MINUTES);
			System.out.printf(Locale.ROOT, "render job: %s, %d spp in %.2f s, %.1f Mrays/s; details %s; outputs %s%n", r.file().getFileName(),
					r.result().progress().samples(), r.result().progress().elapsedNanos() / 1e9, r.result().progress().mraysPerSecond(), job.details(),
					job.outputs());
			check(job.details().get(JobHandle.DEVICE).equals(cuda.device()), "the job notes the GPU it ran on");
			check(ImageIO.read(r.file().toFile()).getWidth() == width, "the PNG has the view's size");
			check(job.outputs().equals(List.of(r.file().toString())), "the job notes its PNG");
		}
		System.out.println(failures == 0 ? "all checks passed" : failures + " check(s) FAILED");
		System.exit(failures == 0 ? 0 : 1);
	}

	private static Image preview(PathTraces traces, PathTraces.Request request, String label) throws Exception {
		List<Integer> passes = new CopyOnWriteArrayList<>();
		long start = System.nanoTime();
		RenderResult r = traces.preview(request, (p, mean) -> passes.add(p.samples())).get(5, TimeUnit.MINUTES);
		System.out.printf(Locale.ROOT, "%s preview: %d spp in %.2f s (%.1f Mrays/s), %d pass reports, the last at %d spp%n", label,
				r.progress().samples(), (System.nanoTime() - start) / 1e9, r.progress().mraysPerSecond(), passes.size(),
				passes.isEmpty() ? 0 : passes.getLast());
		check(!passes.isEmpty() && passes.getLast() == request.settings().spp(), label + ": the passes reach the preview as they finish");
		boolean ordered = true;
		for (int i = 1; i < passes.size(); i++) {
			ordered &= passes.get(i) > passes.get(i - 1);
		}
		check(ordered, label + ": passes arrive in order");
		return r.color();
	}

	private static void check(boolean ok, String what) {
		System.out.println((ok ? "ok    " : "FAIL  ") + what);
		if (!ok) {
			failures++;
		}
	}
}
