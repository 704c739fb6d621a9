package dev.atelier.viewport.internal.trace;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.atelier.device.DeviceService;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

/**
 * The CUDA path tracer against the CPU one, without OSGi (releng/gpu/render.sh). In the package of the tracer, so
 * that it can use the packed scene and the film directly (plain class path: one runtime package).
 * <ul>
 * <li>{@code emulate EMULATOR DIR}: here, without a GPU: the kernel's code compiled for the CPU
 * (pathtrace_emulate.cu) against the Java tracer, sample for sample (same seed, same streams).</li>
 * <li>{@code verify}: on the GPU host: (a) the same streams on both, convergence to the CPU's reference, the
 * white furnace; (b) Mrays/s of both backends on the Cornell box and the sphere field.</li>
 * </ul>
 */
public final class RenderVerification {

	private static final List<String> FAILURES = new ArrayList<>();
	private static boolean cpuInPerformance = true;

	private RenderVerification() {
	}

	public static void main(String[] args) throws Exception {
		switch (args.length == 0 ? "" : args[0]) {
		case "emulate" -> emulate(Path.of(args[1]), Path.of(args[2]));
		case "verify" -> verify(true, args.length > 1 ? Double.parseDouble(args[1]) : 1);
		case "perf" -> verify(false, args.length > 1 ? Double.parseDouble(args[1]) : 1);
		case "gpu-perf" -> {
			cpuInPerformance = false;
			verify(false, args.length > 1 ? Double.parseDouble(args[1]) : 1);
		}
		default -> {
			System.err.println("usage: RenderVerification emulate EMULATOR DIR | verify [TIME_SCALE] | perf [TIME_SCALE]");
			System.exit(2);
		}
		}
		if (!FAILURES.isEmpty()) {
			System.out.println("FAILED: " + String.join("; ", FAILURES));
			System.exit(1);
		}
		System.out.println("all checks passed");
	}

	// --- scenes ----------------------------------------------------------------------------------------------

	/**
	 * What the built-in scenes leave out: textures of every kind (base colour with repeat, metallic-roughness with
	 * mirrored repeat, a normal map with tangents, an emissive texture clamped to the edge), ten punctual lights
	 * (so that one is picked at random per vertex) of all three types with ranges and cones, a glossy dielectric,
	 * a rough metal, and an equirectangular environment with a bright sun, importance sampled.
	 */
	static Scene features() {
		Texture checker = texture("checker", 8, 8, Texture.Wrap.REPEAT, Texture.Wrap.REPEAT, (x, y) -> ((x + y) & 1) == 0 ? rgb(0.8f, 0.8f, 0.75f)
				: rgb(0.15f, 0.3f, 0.5f));
		Texture metalRough = texture("metal-roughness", 4, 4, Texture.Wrap.MIRRORED_REPEAT, Texture.Wrap.MIRRORED_REPEAT,
				(x, y) -> new float[] { 1, 0.15f + 0.25f * x, y >= 2 ? 1 : 0, 1 });
		Texture bumps = texture("bumps", 16, 16, Texture.Wrap.REPEAT, Texture.Wrap.REPEAT, (x, y) -> {
			float nx = 0.35f * (float) Math.sin(x * Math.PI / 4);
			float ny = 0.35f * (float) Math.cos(y * Math.PI / 4);
			float nz = (float) Math.sqrt(1 - nx * nx - ny * ny);
			return new float[] { 0.5f * nx + 0.5f, 0.5f * ny + 0.5f, 0.5f * nz + 0.5f, 1 };
		});
		Texture glow = texture("glow", 4, 2, Texture.Wrap.CLAMP_TO_EDGE, Texture.Wrap.CLAMP_TO_EDGE, (x, y) -> rgb(1, 0.3f + 0.2f * x, 0.1f + 0.4f * y));
		Texture sky = texture("sky", 64, 32, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE, (x, y) -> {
			boolean sun = Math.abs(x - 40) <= 1 && Math.abs(y - 9) <= 1;
			float horizon = 1 - y / 32f;
			return sun ? rgb(120, 110, 90) : rgb(0.25f + 0.3f * horizon, 0.35f + 0.3f * horizon, 0.6f + 0.2f * horizon);
		});
		Material floor = new Material("floor", new float[] { 1, 1, 1, 1 }, checker, 0.3f, 1, metalRough, bumps, 0.8f, null, 1, new float[3], null, false, 1);
		Material gold = new Material("gold", new float[] { 1, 0.78f, 0.34f, 1 }, null, 1, 0.3f, null, null, 1, null, 1, new float[3], null, false);
		Material plastic = new Material("plastic", new float[] { 0.7f, 0.1f, 0.1f, 1 }, null, 0, 0.15f, null, null, 1, null, 1, new float[3], null, false);
		Material panel = new Material("panel", new float[] { 0.2f, 0.2f, 0.2f, 1 }, null, 0, 1, null, null, 1, null, 1, new float[] { 2, 2, 2 }, glow, true, 0);
		float[] p = { -4, 0, -4, -4, 0, 4, 4, 0, 4, 4, 0, -4 };
		float[] n = { 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0 };
		float[] uv = { 0, 0, 0, 3, 3, 3, 3, 0 };
		float[] tangents = { 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1 };
		Mesh ground = new Mesh("floor", p, n, uv, tangents, new int[] { 0, 1, 2, 0, 2, 3 }, 0);
		float[] q = { -1.5f, 0.3f, -2.5f, 1.5f, 0.3f, -2.5f, 1.5f, 1.8f, -2.5f, -1.5f, 1.8f, -2.5f };
		float[] qn = { 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1 };
		Mesh light = new Mesh("panel", q, qn, new float[] { -0.2f, 0, 1.2f, 0, 1.2f, 1, -0.2f, 1 }, null, new int[] { 0, 1, 2, 0, 2, 3 }, 3);
		List<Mesh> meshes = List.of(ground, light, BuiltinScenes.sphere("gold ball", -0.9f, 0.7f, 0, 0.7f, 48, 24, 1),
				BuiltinScenes.sphere("red ball", 0.9f, 0.6f, 0.4f, 0.6f, 48, 24, 2));
		List<Light> lights = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			double a = i * Math.PI / 4;
			float[] position = { 2.5f * (float) Math.cos(a), 2.2f, 2.5f * (float) Math.sin(a) };
			float[] colour = { 0.6f + 0.05f * i, 0.7f, 0.9f - 0.05f * i };
			lights.add(i % 2 == 0 ? new Light("point " + i, Light.Type.POINT, colour, 1.5f, position, null, i == 2 ? 5 : 0, 0, 0)
					: new Light("spot " + i, Light.Type.SPOT, colour, 4, position, new float[] { -position[0], -position[1], -position[2] }, 0, 0.3f, 0.6f));
		}
		lights.add(new Light("sun", Light.Type.DIRECTIONAL, new float[] { 1, 0.9f, 0.8f }, 0.6f, null, new float[] { 0.3f, -1, -0.4f }, 0, 0, 0));
		lights.add(new Light("fill", Light.Type.POINT, new float[] { 0.3f, 0.4f, 1 }, 2, new float[] { 0, 3, 3 }, null, 0, 0, 0));
		Camera camera = Camera.lookAt("camera", new float[] { 0, 1.6f, 4.2f }, new float[] { 0, 0.6f, 0 }, (float) Math.toRadians(50));
		return new Scene("features", meshes, List.of(floor, gold, plastic, panel), lights, List.of(camera), new Environment(new float[] { 1, 1, 1 }, sky, 0.35f));
	}

	private interface Texels {
		float[] at(int x, int y);
	}

	private static Texture texture(String name, int width, int height, Texture.Wrap s, Texture.Wrap t, Texels texels) {
		float[] rgba = new float[4 * width * height];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				System.arraycopy(texels.at(x, y), 0, rgba, 4 * (y * width + x), 4);
			}
		}
		return new Texture(name, width, height, rgba, s, t);
	}

	private static float[] rgb(float r, float g, float b) {
		return new float[] { r, g, b, 1 };
	}

	// --- statistics ------------------------------------------------------------------------------------------

	/**
	 * Two renders with independent noise compared. Per pixel channel z = (a − b) / √(var_a + var_b), with the
	 * variances of the two means from the films: when both converge to the same image, z is about standard normal
	 * at a few hundred samples and more, so the median |z| is ≈ 0.674 and 95% lie within ±1.96, while a bias of the
	 * order of the noise moves both (a 1% brightness error fails them on the Cornell box). RMSE / √mean(var_a + var_b)
	 * is ≈ 1 too, but rare bright paths make that ratio wander by ±25% between seeds, so it is reported with a loose
	 * bound. Channels with no variance in either render must agree exactly (to 1e-4).
	 */
	record Comparison(double rmse, double expectedRmse, double medianAbsZ, double within196, double meanZ, double meanA, double meanB, int exactMismatches) {
		double ratio() {
			return rmse / expectedRmse;
		}

		boolean consistent() {
			return medianAbsZ > 0.62 && medianAbsZ < 0.73 && within196 > 0.93 && within196 < 0.965 && Math.abs(meanZ) < 0.2 && ratio() > 0.7
					&& ratio() < 1.4 && exactMismatches == 0;
		}

		@Override
		public String toString() {
			return f("RMSE %.5f, noise level %.5f (ratio %.3f); median |z| %.3f, |z| < 1.96: %.1f%%, mean z %+.3f; image means %.5f / %.5f", rmse,
					expectedRmse, ratio(), medianAbsZ, 100 * within196, meanZ, meanA, meanB);
		}
	}

	static Comparison compare(RenderResult a, RenderResult b) {
		float[] ca = a.color().rgb(), cb = b.color().rgb(), va = a.variance().rgb(), vb = b.variance().rgb();
		double squares = 0, variance = 0, sumA = 0, sumB = 0, sumZ = 0;
		double[] absZ = new double[ca.length];
		int n = 0, mismatches = 0;
		for (int i = 0; i < ca.length; i++) {
			double d = ca[i] - cb[i];
			double v = va[i] + vb[i];
			squares += d * d;
			variance += v;
			sumA += ca[i];
			sumB += cb[i];
			if (v > 0) {
				double z = d / Math.sqrt(v);
				sumZ += z;
				absZ[n++] = Math.abs(z);
			} else if (Math.abs(d) > 1e-4 * Math.max(1, Math.abs(ca[i]))) {
				mismatches++;
			}
		}
		double[] sorted = java.util.Arrays.copyOf(absZ, n);
		java.util.Arrays.sort(sorted);
		int within = 0;
		for (double z : sorted) {
			within += z < 1.96 ? 1 : 0;
		}
		int m = ca.length;
		return new Comparison(Math.sqrt(squares / m), Math.sqrt(variance / m), sorted[n / 2], (double) within / n, sumZ / n, sumA / m, sumB / m, mismatches);
	}

	/** Two renders of the same streams: the fraction of pixel channels equal to 1e-4 (relative above 1), and the RMSE. */
	static double[] sameStreams(Image a, Image b) {
		int close = 0;
		double squares = 0;
		for (int i = 0; i < a.rgb().length; i++) {
			double d = Math.abs(a.rgb()[i] - b.rgb()[i]);
			squares += d * d;
			if (d <= 1e-4 * Math.max(1, Math.abs(a.rgb()[i]))) {
				close++;
			}
		}
		return new double[] { (double) close / a.rgb().length, Math.sqrt(squares / a.rgb().length) };
	}

	static void check(boolean ok, String what) {
		System.out.println((ok ? "  ok    " : "  FAIL  ") + what);
		if (!ok) {
			FAILURES.add(what);
		}
	}

	private static String f(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

	// --- emulate ---------------------------------------------------------------------------------------------

	private static void emulate(Path emulator, Path dir) throws Exception {
		Files.createDirectories(dir);
		for (String name : List.of("cornell", "features", "spheres")) {
			Scene scene = name.equals("features") ? features() : name.equals("spheres") ? BuiltinScenes.sphereField(4, 32) : BuiltinScenes.named(name);
			FlatScene flat = FlatScene.of(scene);
			Camera camera = Camera.viewOf(scene);
			int width = 96, height = 72, passes = 4;
			for (String build : List.of("exact", "fma")) {
				RenderResult cpu = Renderer.render(flat, camera, width, height, Settings.defaults().withSpp(passes).withSeed(7), ProgressListener.NONE, () -> false);
				Film emulated = emulated(Path.of(emulator + "_" + build), dir, flat, camera, width, height, passes, 7, 8);
				double[] same = sameStreams(cpu.color(), emulated.mean());
				double[] albedo = sameStreams(cpu.albedo(), emulated.albedo());
				double[] normal = sameStreams(cpu.normal(), emulated.normal());
				System.out.println(f("%-9s %-5s %d spp: %.4f%% of radiance channels equal, RMSE %.3g (mean %.5f vs %.5f); albedo %.4f%%, normal %.4f%% equal; "
						+ "rays %d vs %d", name, build, passes, 100 * same[0], same[1], cpu.color().average(), emulated.mean().average(), 100 * albedo[0],
						100 * normal[0], cpu.progress().totalRays(), emulatedRays));
				if (build.equals("exact")) {
					check(same[0] > 0.99 && albedo[0] > 0.99 && normal[0] > 0.99,
							name + ": the kernel's code, with Java's arithmetic, traces the same paths as the CPU tracer");
				}
			}
		}
	}

	private static long emulatedRays;

	/** Runs the emulator and reads its film. */
	private static Film emulated(Path emulator, Path dir, FlatScene flat, Camera camera, int width, int height, int passes, long seed, int bounces)
			throws IOException, InterruptedException {
		PackedScene packed = new PackedScene(flat);
		Path sceneFile = dir.resolve("scene.bin");
		Path filmFile = dir.resolve("film.bin");
		try (Arena arena = Arena.ofConfined(); FileChannel out = FileChannel.open(sceneFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			MemorySegment block = arena.allocate(packed.bytes(), 16);
			packed.write(block);
			out.write(block.asByteBuffer());
		}
		List<String> command = new ArrayList<>(List.of(emulator.toString(), sceneFile.toString(), "" + width, "" + height, "" + passes, "" + seed, "" + bounces));
		for (float v : new PinholeCamera(camera, width, height).parameters()) {
			command.add(Float.toString(v));
		}
		command.add(filmFile.toString());
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
		String[] rays = new String(process.getInputStream().readAllBytes()).strip().split(" ");
		if (process.waitFor() != 0) {
			throw new IllegalStateException("the emulator failed");
		}
		emulatedRays = Long.parseLong(rays[1]);
		Film film = new Film(width, height);
		try (Arena arena = Arena.ofConfined(); FileChannel in = FileChannel.open(filmFile)) {
			MemorySegment planes = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size(), arena);
			film.load(planes, passes);
		}
		return film;
	}

	// --- verify (GPU host) -----------------------------------------------------------------------------------

	private static void verify(boolean correctness, double timeScale) throws Exception {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		registry.addProvider(new CudaDevices());
		registry.addProvider(new CpuDevice());
		DeviceService devices = BundleDeviceService.forBundle(registry, "dev.atelier.viewport");
		CudaRenderer cuda = CudaRenderer.on(devices, null);
		RenderBackend cpu = RenderBackend.cpu();
		System.out.println(f("devices: %s; CUDA backend on %s (%s, %d SMs), CPU backend on %d threads", devices.devices().stream().map(d -> d.id()).toList(),
				cuda.device(), cuda.gpu().name(), cuda.gpu().multiprocessors(), Runtime.getRuntime().availableProcessors()));
		System.out.println();
		if (correctness) {
			System.out.println("(a) correctness");
			behaviour(cuda, cpu);
			correctness(cuda, cpu);
			System.out.println();
		}
		System.out.println("(b) performance");
		performance(cuda, cpu, timeScale);
	}

	private static RenderResult render(RenderBackend backend, FlatScene scene, Camera camera, int size, int spp, long seed, int bounces) {
		return backend.render(scene, camera, size, size, Settings.defaults().withSpp(spp).withSeed(seed).withMaxBounces(bounces), ProgressListener.NONE,
				() -> false);
	}

	/** A convergence check: the scene, the image size, the CPU reference's spp, the spp of the control and of two CUDA renders. */
	private record Case(String scene, int size, int referenceSpp, int spp, int highSpp) {
	}

	/** The renderer's loop on the GPU: listener, film, cancellation, time limit, ray counts, denoising. */
	private static void behaviour(CudaRenderer cuda, RenderBackend cpu) {
		Scene box = BuiltinScenes.cornellBox();
		FlatScene flat = FlatScene.of(box);
		Camera camera = box.cameras().get(0);
		List<Progress> heard = new ArrayList<>();
		double[] middle = new double[2];
		RenderResult r = cuda.render(flat, camera, 64, 48, Settings.defaults().withSpp(1 << 20).withSeed(5), (progress, film) -> {
			heard.add(progress);
			if (heard.size() == 2) {
				middle[0] = film.samples() == progress.samples() ? 1 : 0;
				middle[1] = film.mean().average();
			}
		}, () -> heard.size() >= 4);
		int samples = r.progress().samples();
		boolean monotonic = true;
		for (int i = 1; i < heard.size(); i++) {
			monotonic &= heard.get(i).samples() > heard.get(i - 1).samples() && heard.get(i).totalRays() > heard.get(i - 1).totalRays();
		}
		System.out.println(f("cancelled after the 4th callback: %s at %d spp (callbacks at %s spp); the film read in the 2nd callback had its pass count: %s",
				r.stop(), samples, heard.stream().map(Progress::samples).toList(), middle[0] == 1));
		check(r.stop() == RenderResult.Stop.CANCELLED && heard.size() == 4 && samples == heard.get(3).samples() && monotonic && middle[0] == 1 && middle[1] > 0,
				"CUDA: the listener hears every batch with growing samples and rays, reads a consistent film, and cancelling stops it");
		check(r.progress().primaryRays() == (long) samples * 64 * 48, "CUDA: one camera ray per pixel and pass counted (" + r.progress().primaryRays() + ")");
		RenderResult same = cpu.render(flat, camera, 64, 48, Settings.defaults().withSpp(samples).withSeed(5), ProgressListener.NONE, () -> false);
		double[] agree = sameStreams(same.color(), r.color());
		check(agree[0] > 0.9, f("CUDA's image after %d passes is the CPU's of %d spp, same seed (%.2f%% of channels equal)", samples, samples, 100 * agree[0]));
		RenderResult timed = cuda.render(flat, camera, 320, 240, Settings.defaults().withSpp(1 << 20).withTimeLimit(Duration.ofMillis(300)), ProgressListener.NONE,
				() -> false);
		double seconds = timed.progress().elapsedNanos() / 1e9;
		System.out.println(f("time limit 0.3 s: %s after %.3f s, %d spp", timed.stop(), seconds, timed.progress().samples()));
		check(timed.stop() == RenderResult.Stop.TIME_LIMIT && seconds >= 0.3 && seconds < 0.45, "CUDA: stops within a pass or so after the time limit");
		RenderResult denoised = cuda.render(flat, camera, 64, 48, Settings.defaults().withSpp(16).withDenoise(true), ProgressListener.NONE, () -> false);
		check(denoised.stop() == RenderResult.Stop.SAMPLES && denoised.progress().samples() == 16 && denoised.denoised() != null,
				"CUDA: reaches the spp asked for and denoises on request");
	}

	private static void correctness(RenderBackend cuda, RenderBackend cpu) {
		// The same streams: a few passes of the same seed agree pixel for pixel where the arithmetic does.
		for (String name : List.of("cornell", "features")) {
			Scene scene = name.equals("features") ? features() : BuiltinScenes.named(name);
			FlatScene flat = FlatScene.of(scene);
			Camera camera = Camera.viewOf(scene);
			RenderResult a = render(cpu, flat, camera, 128, 4, 7, 8);
			RenderResult b = render(cuda, flat, camera, 128, 4, 7, 8);
			double[] same = sameStreams(a.color(), b.color());
			Comparison independent = compare(a, render(cpu, flat, camera, 128, 4, 8, 8));
			System.out.println(f("%s 128x128, 4 spp, seed 7 on both: %.2f%% of pixel channels equal (1e-4); RMSE %.4g, against %.4g between two CPU seeds",
					name, 100 * same[0], same[1], independent.rmse()));
			check(same[0] > 0.9 && same[1] < 0.25 * independent.rmse(), name + ": CUDA draws the CPU's random streams (≥ 90% equal, RMSE < ¼ of independent noise)");
			check(a.progress().primaryRays() == b.progress().primaryRays(), name + ": one camera ray per pixel and pass on both ("
					+ a.progress().primaryRays() + ", " + b.progress().primaryRays() + "); all rays " + a.progress().totalRays() + " vs " + b.progress().totalRays());
		}
		// Convergence: CUDA (other seeds) against the CPU's reference, beside a CPU render of another seed as the control.
		for (Case c : List.of(new Case("cornell", 256, 4096, 1024, 65536), new Case("features", 160, 2048, 512, 32768))) {
			Scene scene = c.scene().equals("features") ? features() : BuiltinScenes.named(c.scene());
			FlatScene flat = FlatScene.of(scene);
			Camera camera = Camera.viewOf(scene);
			long t0 = System.nanoTime();
			RenderResult reference = render(cpu, flat, camera, c.size(), c.referenceSpp(), 1, 8);
			System.out.println(f("%s %dx%d, 8 bounces: CPU reference %d spp (seed 1) in %.1f s", c.scene(), c.size(), c.size(), c.referenceSpp(),
					(System.nanoTime() - t0) / 1e9));
			Comparison control = compare(reference, render(cpu, flat, camera, c.size(), c.spp(), 3, 8));
			System.out.println(f("  CPU  %6d spp (seed 3) vs reference: %s", c.spp(), control));
			for (int spp : new int[] { c.spp(), c.highSpp() }) {
				long t1 = System.nanoTime();
				RenderResult gpu = render(cuda, flat, camera, c.size(), spp, spp == c.spp() ? 2 : 4, 8);
				Comparison k = compare(reference, gpu);
				System.out.println(f("  CUDA %6d spp (seed %d, %.2f s) vs reference: %s", spp, spp == c.spp() ? 2 : 4, (System.nanoTime() - t1) / 1e9, k));
				check(k.consistent(), c.scene() + ", CUDA " + spp + " spp: converges to the CPU reference (median |z| 0.62–0.73, 93–96.5% within ±1.96, "
						+ "|mean z| < 0.2, RMSE 0.7–1.4 × noise level)");
			}
		}
		// The white furnace on CUDA: 1 everywhere within the noise.
		Scene furnace = BuiltinScenes.furnace();
		RenderResult r = cuda.render(FlatScene.of(furnace), furnace.cameras().get(0), 128, 128, Settings.defaults().withSpp(1024).withMaxBounces(16),
				ProgressListener.NONE, () -> false);
		float[] color = r.color().rgb(), albedo = r.albedo().rgb();
		double sphere = 0, worst = 0, background = 0;
		int spherePixels = 0;
		for (int i = 0; i < color.length; i += 3) {
			for (int ch = 0; ch < 3; ch++) {
				worst = Math.max(worst, Math.abs(color[i + ch] - 1));
				if (albedo[i] == 0) {
					background = Math.max(background, Math.abs(color[i + ch] - 1));
				} else {
					sphere += color[i + ch];
				}
			}
			spherePixels += albedo[i] == 0 ? 0 : 1;
		}
		double sphereMean = sphere / (3 * spherePixels);
		System.out.println(f("furnace 128x128, 1024 spp, 16 bounces on CUDA: sphere mean %.6f over %d pixels, largest pixel deviation %.4f, background %.2g",
				sphereMean, spherePixels, worst, background));
		check(Math.abs(sphereMean - 1) < 0.002 && worst < 0.05 && background < 1e-6, "furnace: 1 within the noise (sphere mean ±0.002, pixels ±0.05, background exact)");
	}

	private static void performance(RenderBackend cuda, RenderBackend cpu, double timeScale) {
		int width = 1280, height = 720;
		List<String> rows = new ArrayList<>();
		for (String name : List.of("cornell", "sphere-field")) {
			Scene scene = BuiltinScenes.named(name);
			long t0 = System.nanoTime();
			FlatScene flat = FlatScene.of(scene);
			System.out.println(f("%s: %d triangles, BVH of %d nodes (depth %d) built in %.2f s", name, flat.triangleCount, flat.nodeCount(), flat.bvhDepth,
					(System.nanoTime() - t0) / 1e9));
			Camera camera = Camera.viewOf(scene);
			Settings settings = Settings.defaults().withSpp(1 << 20).withMaxBounces(8);
			// Warm-up: the JIT for the CPU tracer, module load and clocks for the GPU.
			if (cpuInPerformance) {
				cpu.render(flat, camera, width, height, settings.withTimeLimit(Duration.ofMillis((long) (3000 * timeScale))), ProgressListener.NONE, () -> false);
			}
			cuda.render(flat, camera, width, height, settings.withTimeLimit(Duration.ofMillis(500)), ProgressListener.NONE, () -> false);
			Progress c = cpuInPerformance ? cpu.render(flat, camera, width, height, settings.withTimeLimit(Duration.ofMillis((long) (15000 * timeScale))),
					ProgressListener.NONE, () -> false).progress() : null;
			Progress g = cuda.render(flat, camera, width, height, settings.withTimeLimit(Duration.ofMillis((long) (8000 * timeScale))), ProgressListener.NONE,
					() -> false).progress();
			double cpuPrimary = c == null ? 0 : c.primaryRays() * 1e3 / c.elapsedNanos(), gpuPrimary = g.primaryRays() * 1e3 / g.elapsedNanos();
			String gpuColumns = f("%5d spp in %5.1f s | %8.1f | %8.1f", g.samples(), g.elapsedNanos() / 1e9, gpuPrimary, g.mraysPerSecond());
			rows.add(cpuInPerformance
					? f("| %-7s | %4d spp in %5.1f s | %8.1f | %8.1f | %s | %6.1f× | %6.1f× |", name, c.samples(), c.elapsedNanos() / 1e9, cpuPrimary,
							c.mraysPerSecond(), gpuColumns, gpuPrimary / cpuPrimary, g.mraysPerSecond() / c.mraysPerSecond())
					: f("| %-7s | %-19s | %8s | %8s | %s | %7s | %7s |", name, "not run", "–", "–", gpuColumns, "–", "–"));
			check(g.primaryRays() == (long) g.samples() * width * height, name + ": the kernel counted one camera ray per pixel and pass");
		}
		System.out.println();
		System.out.println(f("1280x720, 8 bounces, CPU on %d threads; Mrays/s = rays / wall time from the first pass (CUDA: from the scene's upload) to the "
				+ "end of the last", Runtime.getRuntime().availableProcessors()));
		System.out.println("| scene   | CPU                 | primary Mrays/s | total Mrays/s | CUDA                 | primary Mrays/s | total Mrays/s | CUDA/CPU primary | CUDA/CPU total |");
		System.out.println("|---------|---------------------|----------|----------|----------------------|----------|----------|---------|---------|");
		rows.forEach(System.out::println);
	}
}
