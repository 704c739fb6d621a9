import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.compute.Compute;
import dev.atelier.compute.internal.cpu.CpuCompute;
import dev.atelier.compute.internal.cuda.CudaCompute;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.engine.DiffusionNetworks;
import dev.atelier.diffusion.internal.DiffusionWorkload;
import dev.atelier.diffusion.engine.SizeConditioning;
import dev.atelier.diffusion.engine.TextConditioning;
import dev.atelier.testing.Spread;
import dev.atelier.testing.checkpoints.FormulaWeights;

/**
 * The native Stable Diffusion engine on cuda:0 (releng/gpu/llm.sh sd): (1) the reduced SD 1.x, SD 2.x and SDXL of the
 * engine's reference outputs (FormulaWeights, F32 and F16 files) against diffusers' outputs, as
 * NetworksAgainstDiffusersTest checks the CPU backend; (2) the full SD 1.5 shape (F16 file, formula weights) on the GPU against the CPU backend for a small latent;
 * (3) its timings at 512×512: text encoding, a UNet step with classifier-free guidance (two predictions) and a VAE
 * decode, medians of repeated runs. Without OSGi. Exits 1 when an output is off.
 */
public final class SdCheck {

	private static final List<String> failures = new ArrayList<>();

	private static final DiffusionWorkload PLANNED = new DiffusionWorkload(DiffusionWorkload.Profile.known("sd15"), 512, 512, 1, false, false);

	public static void main(String[] args) throws Exception {
		Path reference = Path.of(args[0]);
		Path work = Files.createDirectories(Path.of(args[1]));
		int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, null);
		CudaDevices cuda = new CudaDevices();
		registry.addProvider(cuda);
		registry.addProvider(new CpuDevice());
		DeviceService service = BundleDeviceService.forBundle(registry, "sd-check");
		try (VramLease lease = service.acquire("cuda:0", LeaseRequest.of("sd check", 24L << 30)); VramLease.Use use = lease.use();
				ComputeContext context = service.openContext(lease);
				VramLease hostLease = service.acquire("cpu", LeaseRequest.of("sd check reference", 8L << 30));
				ComputeContext host = service.openContext(hostLease);
				Compute cpu = new CpuCompute(host, Runtime.getRuntime().availableProcessors())) {
			// a profile (-Datelier.compute.profile=true) times each kernel of one step, with cuBLAS where found
			boolean profile = Boolean.getBoolean("atelier.compute.profile");
			for (boolean cublas : new boolean[] { false, true }) {
				if (profile && !cublas) {
					continue;
				}
				try (Compute gpu = cublas ? CudaCompute.open(context) : CudaCompute.openWithoutCublas(context)) {
					if (cublas && !gpu.description().contains("cuBLAS")) {
						System.out.println("== no cuBLAS on this host");
						continue;
					}
					System.out.println("== " + gpu.description());
					if (!profile) {
						againstDiffusers(gpu, reference, work);
						otherFamily("SD 2.x", FormulaWeights.SD2_REFERENCE, gpu, reference.resolve("sd2"), work);
						otherFamily("SDXL", FormulaWeights.SDXL_REFERENCE, gpu, reference.resolve("sdxl"), work);
					}
					fullShape(gpu, profile ? null : cpu, work, profile ? 1 : runs, lease);
				}
			}
		}
		registry.shutdown();
		cuda.close();
		System.out.println(failures.isEmpty() ? "SD CHECK PASSED" : "SD CHECK FAILED: " + failures);
		System.exit(failures.isEmpty() ? 0 : 1);
	}

	private static void againstDiffusers(Compute gpu, Path reference, Path work) throws Exception {
		JsonObject ref = JsonParser.parseString(Files.readString(reference.resolve("reference.json"))).getAsJsonObject();
		int[] ids = ints(ref, "input_ids");
		int[] latent = ints(ref, "latent");
		int[] image = ints(ref, "image");
		for (String dtype : List.of("F32", "F16")) {
			Path file = work.resolve("tiny-sd1-" + dtype + ".safetensors");
			if (!Files.exists(file)) {
				FormulaWeights.write(FormulaWeights.SD1_REFERENCE, dtype, file);
			}
			double bound = 2e-2; // F16 tensor-core operands, as diffusers runs in FP16
			try (Checkpoint c = Checkpoint.open(file, null); DiffusionNetworks n = DiffusionNetworks.open(c, gpu)) {
				compare("reduced " + dtype + " text encoder", floats(reference, "text_hidden.f32"), n.encodeText(ids).context(), bound);
				compare("reduced " + dtype + " UNet", floats(reference, "unet_out.f32"),
						n.predict(floats(reference, "unet_sample.f32"), latent[1], latent[2], ref.get("unet_timestep").getAsFloat(),
								new TextConditioning(floats(reference, "text_hidden.f32"), new float[0]), null),
						bound);
				compare("reduced " + dtype + " VAE decoder", floats(reference, "vae_image.f32"), n.decode(floats(reference, "vae_latent.f32"), latent[1], latent[2]),
						bound);
				compare("reduced " + dtype + " VAE encoder", floats(reference, "vae_moments.f32"),
						n.encodeImage(floats(reference, "vae_encoder_image.f32"), image[1], image[2]), bound);
			}
		}
	}

	/**
	 * A reduced SD 2.x or SDXL checkpoint's text encoders (SDXL: both, and the pooled, projected output) and UNet (SDXL:
	 * with its size conditioning) against diffusers, from F32 and F16 files: the CUDA paths the other families add
	 * (OpenCLIP's GELU, the penultimate layer, 64-wide heads, SDXL's add embedding).
	 */
	private static void otherFamily(String name, LdmLayout.Spec spec, Compute gpu, Path reference, Path work) throws Exception {
		JsonObject ref = JsonParser.parseString(Files.readString(reference.resolve("reference.json"))).getAsJsonObject();
		JsonArray idsJson = ref.getAsJsonArray("input_ids");
		List<JsonArray> sequences = idsJson.get(0).isJsonArray() ? idsJson.asList().stream().map(JsonElement::getAsJsonArray).toList() : List.of(idsJson);
		int[][] ids = sequences.stream().map(a -> a.asList().stream().mapToInt(JsonElement::getAsInt).toArray()).toArray(int[][]::new);
		int[] latent = ints(ref, "latent");
		SizeConditioning sizes = null;
		if (ref.has("time_ids")) {
			int[] t = ints(ref, "time_ids");
			sizes = new SizeConditioning(t[0], t[1], t[2], t[3], t[4], t[5]);
		}
		boolean pooled = Files.exists(reference.resolve("text_pooled.f32"));
		TextConditioning text = new TextConditioning(floats(reference, "text_hidden.f32"), pooled ? floats(reference, "text_pooled.f32") : new float[0]);
		for (String dtype : List.of("F32", "F16")) {
			Path file = work.resolve("tiny-" + name.replace(' ', '-').replace(".", "") + "-" + dtype + ".safetensors");
			if (!Files.exists(file)) {
				FormulaWeights.write(spec, dtype, file);
			}
			try (Checkpoint c = Checkpoint.open(file, null); DiffusionNetworks n = DiffusionNetworks.open(c, gpu)) {
				TextConditioning got = n.encodeText(ids);
				compare("reduced " + name + " " + dtype + " text encoder", text.context(), got.context(), 2e-2);
				if (pooled) {
					compare("reduced " + name + " " + dtype + " pooled text", text.pooled(), got.pooled(), 2e-2);
				}
				compare("reduced " + name + " " + dtype + " UNet", floats(reference, "unet_out.f32"),
						n.predict(floats(reference, "unet_sample.f32"), latent[1], latent[2], ref.get("unet_timestep").getAsFloat(), text, sizes), 2e-2);
			}
		}
	}

	private static void fullShape(Compute gpu, Compute cpu, Path work, int runs, VramLease lease) throws IOException {
		Path file = work.resolve("sd15-F16.safetensors");
		if (!Files.exists(file)) {
			long t = System.nanoTime();
			FormulaWeights.write(LdmLayout.SD15, "F16", file);
			System.out.printf(Locale.ROOT, "wrote %s (%.2f GB) in %.0f s%n", file, Files.size(file) / 1e9, (System.nanoTime() - t) / 1e9);
		}
		Random random = new Random(7);
		int[] ids = new int[77];
		for (int i = 0; i < ids.length; i++) {
			ids[i] = i == 0 ? 49406 : i < 12 ? 320 + random.nextInt(40000) : 49407;
		}
		try (Checkpoint c = Checkpoint.open(file, null); DiffusionNetworks onGpu = DiffusionNetworks.open(c, gpu)) {
			TextConditioning context = onGpu.encodeText(ids);
			// the full shape against the CPU backend (where given), at a small latent (16×16: every level halves down to 2×2)
			if (cpu != null) {
				DiffusionNetworks onCpu = DiffusionNetworks.open(c, cpu);
				compare("SD 1.5 F16 text encoder vs CPU", onCpu.encodeText(ids).context(), context.context(), 2e-2);
				float[] small = noise(random, 4 * 16 * 16);
				compare("SD 1.5 F16 UNet 16x16 vs CPU", onCpu.predict(small, 16, 16, 501, context, null), onGpu.predict(small, 16, 16, 501, context, null), 2e-2);
				compare("SD 1.5 F16 VAE decode 16x16 vs CPU", onCpu.decode(small, 16, 16), onGpu.decode(small, 16, 16), 2e-2);
				onCpu.close();
			}
			float[] latent = noise(random, 4 * 64 * 64);
			TextConditioning uncond = onGpu.encodeText(new int[77]);
			double text = median(runs, () -> onGpu.encodeText(ids).context());
			// CFG's two rows as the pipeline runs them: one batch, captured at its first run and replayed after
			float[] both = new float[2 * latent.length];
			System.arraycopy(latent, 0, both, 0, latent.length);
			System.arraycopy(latent, 0, both, latent.length, latent.length);
			double step = median(runs, () -> onGpu.predict(both, 2, 64, 64, 501, List.of(uncond, context), null, null));
			// a profile repeats each launch, which in-place additions do not survive: outputs are checked only without
			boolean checked = !Boolean.getBoolean("atelier.compute.profile");
			if (checked) {
				finite("SD 1.5 UNet 64x64", onGpu.predict(latent, 64, 64, 501, context, null));
			}
			double decode = median(runs == 1 ? 1 : Math.max(3, runs / 2), () -> onGpu.decode(latent, 64, 64));
			if (checked) {
				finite("SD 1.5 VAE decode 64x64", onGpu.decode(latent, 64, 64));
			}
			System.out.printf(Locale.ROOT, "SD 1.5 F16 at 512x512 (%s%s): text encoder %.1f ms, UNet step with CFG %.1f ms, VAE decode %.1f ms;"
					+ " 20 steps + decode %.2f s per image%n", gpu.description(),
					"false".equals(System.getProperty("atelier.diffusion.graphs")) ? "; UNet runs not captured" : "; UNet runs as CUDA Graphs", text, step, decode, (20 * step + decode + 2 * text) / 1000);
			// the compute keeps freed buffers for reuse, so what the lease holds after the runs is the engine's high-water mark
			System.out.printf(Locale.ROOT, "SD 1.5 F16 at 512x512: %.2f GiB allocated under the lease after the runs; the planner's %s: %.2f GiB%n",
					lease.allocatedBytes() / (double) (1L << 30), PLANNED.spec(), PLANNED.bytes() / (double) (1L << 30));
		}
	}

	private static float[] noise(Random random, int n) {
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			out[i] = (float) random.nextGaussian();
		}
		return out;
	}

	/** Median wall time in ms of {@code runs} calls after two warm-ups (each call returns host arrays: it is synchronous). */
	private static double median(int runs, Supplier<float[]> call) {
		for (int i = 0; i < Math.min(2, runs); i++) {
			call.get();
		}
		double[] ms = new double[runs];
		for (int i = 0; i < runs; i++) {
			long t = System.nanoTime();
			call.get();
			ms[i] = (System.nanoTime() - t) / 1e6;
		}
		Arrays.sort(ms);
		return ms[runs / 2];
	}

	private static void finite(String what, float[] v) {
		for (float x : v) {
			if (!Float.isFinite(x)) {
				failures.add(what + ": not finite");
				System.out.println(what + ": NOT FINITE");
				return;
			}
		}
	}

	/** The largest absolute difference over the reference's standard deviation, as the engine's CPU test measures it. */
	private static void compare(String what, float[] want, float[] got, double bound) {
		if (want.length != got.length) {
			failures.add(what + ": " + got.length + " values, want " + want.length);
			return;
		}
		Spread spread = Spread.of(want, got);
		double max = spread.largestDifference();
		double relative = spread.relative();
		boolean ok = relative <= bound;
		System.out.printf(Locale.ROOT, "%-40s largest difference %.3g = %.3g of the reference's spread %s%n", what, max, relative, ok ? "ok" : "FAIL");
		if (!ok) {
			failures.add(what);
		}
	}

	private static int[] ints(JsonObject o, String key) {
		return o.getAsJsonArray(key).asList().stream().mapToInt(e -> e.getAsInt()).toArray();
	}

	private static float[] floats(Path dir, String name) throws IOException {
		ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name))).order(ByteOrder.LITTLE_ENDIAN);
		float[] out = new float[b.remaining() / 4];
		b.asFloatBuffer().get(out);
		return out;
	}
}
