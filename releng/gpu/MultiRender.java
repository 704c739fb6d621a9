package dev.atelier.viewport.internal.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;

/**
 * One render split over several GPUs against the same render on one (issue 19), side by side in one process.
 * <ul>
 * <li>{@code render WIDTHxHEIGHT SPP RUNS SCENE…}, on a multi-GPU host: for each scene, cuda:0 alone
 * ({@link CudaRenderer}), then the first 2 GPUs (and the first 4 where the host has them) with {@link SplitRenderer};
 * each timed as the better of {@code RUNS} renders. A line per case with the times, the speed-up against the goal (1.85×
 * on 2 cards, 3.5× on 4), the share each card traced, whether the images are identical bit for bit, and PASSED or
 * FAILED.</li>
 * <li>{@code one WIDTHxHEIGHT SPP}, on a host with one GPU: the GPU's side of a split (its band launches, rows copied
 * out and in, its lease) in a split over cuda:0 and the CPU. With the bands held still, the GPU's rows must be the
 * GPU's single render bit for bit and the CPU's rows the CPU's; with bands that move every round the image must stay
 * within the CPU–GPU agreement of the CUDA path tracer; every lease must be given back.</li>
 * </ul>
 */
public final class MultiRender {

	private MultiRender() {
	}

	public static void main(String[] args) {
		String[] size = args[1].split("x");
		int width = Integer.parseInt(size[0]);
		int height = Integer.parseInt(size[1]);
		int spp = Integer.parseInt(args[2]);
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		registry.addProvider(new CudaDevices());
		registry.addProvider(new CpuDevice());
		DeviceService devices = BundleDeviceService.forBundle(registry, "dev.atelier.viewport");
		List<Device> gpus = devices.devices().stream().filter(Device::runsCudaModules).toList();
		System.out.println("GPUs: " + gpus.stream().map(d -> d.id() + " (" + d.name() + ")").toList());
		if (gpus.size() < (args[0].equals("one") ? 1 : 2)) {
			System.out.println(args[0] + ": FAILED: this host has " + gpus.size() + " GPUs");
			System.exit(1);
		}
		boolean passed = args[0].equals("one") ? one(devices, gpus.get(0), width, height, spp)
				: render(devices, gpus, width, height, spp, Integer.parseInt(args[3]), Arrays.copyOfRange(args, 4, args.length));
		System.out.println(args[0] + (passed ? ": PASSED" : ": FAILED"));
		System.exit(passed ? 0 : 1);
	}

	private static boolean one(DeviceService devices, Device gpu, int width, int height, int spp) {
		Scene scene = BuiltinScenes.cornellBox();
		FlatScene flat = FlatScene.of(scene);
		Camera camera = Camera.viewOf(scene);
		Settings settings = Settings.defaults().withSpp(spp).withSeed(19);
		RenderResult onGpu = CudaRenderer.on(devices, gpu.id()).render(flat, camera, width, height, settings, ProgressListener.NONE, () -> false);
		RenderResult onCpu = RenderBackend.cpu().render(flat, camera, width, height, settings, ProgressListener.NONE, () -> false);
		List<Device> pair = List.of(gpu, devices.device("cpu").orElseThrow());
		RenderResult still = new SplitRenderer(pair, SplitRenderer.shares(devices), (device, pixelSamples, nanos) -> 1, SplitRenderer.ROUND_MILLIS)
				.render(flat, camera, width, height, settings, ProgressListener.NONE, () -> false);
		int cut = SplitRenderer.bands(new double[] { 1, 1 }, height, SplitRenderer.GRANULE)[1];
		int floats = 3 * width * cut;
		float[] split = still.color().rgb();
		boolean gpuRows = Arrays.equals(split, 0, floats, onGpu.color().rgb(), 0, floats);
		boolean cpuRows = Arrays.equals(split, floats, split.length, onCpu.color().rgb(), floats, split.length);
		System.out.println(String.format(Locale.ROOT, "bands held still: rows 0-%d on %s %s its own render, rows %d-%d on the CPU %s its own: %s", cut - 1,
				gpu.id(), gpuRows ? "equal" : "DIFFER from", cut, height - 1, cpuRows ? "equal" : "DIFFER from", gpuRows && cpuRows ? "ok" : "FAILED"));
		int[] calls = { 0 };
		RenderResult moving = new SplitRenderer(pair, SplitRenderer.shares(devices), (device, pixelSamples, nanos) -> 1 + calls[0]++ % 4, 0).render(flat,
				camera, width, height, settings, ProgressListener.NONE, () -> false);
		double rmse = Image.rmse(moving.color(), onGpu.color());
		double control = Image.rmse(onCpu.color(), onGpu.color());
		boolean close = rmse <= 1.5 * control + 1e-6;
		System.out.println(String.format(Locale.ROOT, "bands moving every pass (%d rounds): RMSE against %s's render %.6f, the CPU's own %.6f: %s", spp,
				gpu.id(), rmse, control, close ? "ok" : "FAILED"));
		boolean released = devices.leases().isEmpty();
		System.out.println("leases after the renders: " + devices.leases().size() + (released ? ": ok" : ": FAILED"));
		return gpuRows && cpuRows && close && released;
	}

	private static boolean render(DeviceService devices, List<Device> gpus, int width, int height, int spp, int runs, String[] scenes) {
		// every card's context made and its module loaded before anything is timed
		for (Device gpu : gpus) {
			CudaRenderer.on(devices, gpu.id()).render(FlatScene.of(BuiltinScenes.cornellBox()), Camera.viewOf(BuiltinScenes.cornellBox()), 64, 64,
					Settings.defaults().withSpp(2), ProgressListener.NONE, () -> false);
		}
		boolean passed = true;
		for (String name : scenes) {
			Scene scene = BuiltinScenes.named(name);
			FlatScene flat = FlatScene.of(scene);
			Camera camera = Camera.viewOf(scene);
			Settings settings = Settings.defaults().withSpp(spp).withSeed(19);
			Timed one = best(CudaRenderer.on(devices, gpus.get(0).id()), flat, camera, width, height, settings, runs);
			System.out.println(String.format(Locale.ROOT, "render %s %dx%d %d spp: 1 GPU (%s) %.3f s, %.0f Mrays/s", name, width, height, spp,
					gpus.get(0).id(), one.seconds, one.result.progress().mraysPerSecond()));
			for (int n : new int[] { 2, 4 }) {
				if (gpus.size() < n) {
					System.out.println(String.format(Locale.ROOT, "render %s on %d GPUs: not run, this host has %d", name, n, gpus.size()));
					continue;
				}
				Timed split = best(SplitRenderer.over(devices, gpus.subList(0, n)), flat, camera, width, height, settings, runs);
				double speedup = one.seconds / split.seconds;
				double goal = n == 2 ? 1.85 : 3.5;
				String same = difference(one.result, split.result);
				boolean ok = same.isEmpty() && speedup >= goal;
				passed &= ok;
				long all = split.result.work().values().stream().mapToLong(Long::longValue).sum();
				List<String> shares = new ArrayList<>();
				split.result.work().forEach((id, w) -> shares.add(String.format(Locale.ROOT, "%s %.1f %%", id, 100.0 * w / all)));
				System.out.println(String.format(Locale.ROOT, "render %s on %d GPUs: %.3f s, %.2fx of one GPU (goal %.2fx); split %s; image %s: %s", name,
						n, split.seconds, speedup, goal, String.join(", ", shares), same.isEmpty() ? "identical to one GPU's" : same,
						ok ? "PASSED" : "FAILED"));
			}
		}
		return passed;
	}

	private record Timed(RenderResult result, double seconds) {
	}

	private static Timed best(RenderBackend backend, FlatScene scene, Camera camera, int width, int height, Settings settings, int runs) {
		Timed best = null;
		for (int i = 0; i < runs; i++) {
			long start = System.nanoTime();
			RenderResult r = backend.render(scene, camera, width, height, settings, ProgressListener.NONE, () -> false);
			double seconds = (System.nanoTime() - start) / 1e9;
			if (best == null || seconds < best.seconds) {
				best = new Timed(r, seconds);
			}
		}
		return best;
	}

	/** Empty when the images are the same bit for bit, else how many values differ and by how much at most. */
	private static String difference(RenderResult a, RenderResult b) {
		StringBuilder out = new StringBuilder();
		String[] names = { "colour", "variance", "albedo", "normal" };
		Image[][] pairs = { { a.color(), b.color() }, { a.variance(), b.variance() }, { a.albedo(), b.albedo() }, { a.normal(), b.normal() } };
		for (int k = 0; k < pairs.length; k++) {
			float[] x = pairs[k][0].rgb();
			float[] y = pairs[k][1].rgb();
			if (!Arrays.equals(x, y)) {
				int differ = 0;
				double most = 0;
				for (int i = 0; i < x.length; i++) {
					if (Float.compare(x[i], y[i]) != 0) {
						differ++;
						most = Math.max(most, Math.abs(x[i] - y[i]));
					}
				}
				out.append(out.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s differs in %d of %d values (at most %.3g)", names[k], differ,
						x.length, most));
			}
		}
		return out.toString();
	}
}
