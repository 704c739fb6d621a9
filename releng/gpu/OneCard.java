import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;
import dev.atelier.compute.internal.ComputeRuntimeService;
import dev.atelier.core.internal.ExecutorJobService;
import dev.atelier.device.ComputeContext;
import dev.atelier.device.DeviceEvent;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStatus;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.Priority;
import dev.atelier.device.VramLease;
import dev.atelier.device.cpu.internal.CpuDevice;
import dev.atelier.device.cuda.internal.CudaDevices;
import dev.atelier.device.sim.internal.SimulatedCards;
import dev.atelier.device.internal.BundleDeviceService;
import dev.atelier.device.internal.DeviceRegistry;
import dev.atelier.device.plan.Workload;
import dev.atelier.diffusion.internal.DiffusionEstimator;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.LocalModels;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.internal.trace.CudaRenderer;
import dev.atelier.viewport.internal.trace.FlatScene;
import dev.atelier.viewport.internal.trace.ProgressListener;
import dev.atelier.viewport.internal.trace.RenderResult;
import dev.atelier.viewport.internal.trace.Settings;

/**
 * One card, every workload (releng/gpu/onecard.sh): the device service's budget capped at 24 GiB (an RTX 4090) on the
 * GPU host, and in this one process an 8B-shape chat model, a Stable-Diffusion-sized lease doing tensor work, and a
 * path-traced render, each through the services the product wires: the chat model's evictable lease is taken back
 * when the diffusion lease needs its memory, the render runs beside the diffusion lease, and the next message loads
 * the model again. Every device event is logged with the budget; the run fails if granted memory ever passes the cap
 * or a workload does not finish. On a simulated card (a dry run without a GPU: the CPU backend computes, the render is
 * left out) pick a small model, a smaller diffusion spec and a cap that makes the two not fit together.
 *   OneCard MODEL.gguf [CAP_MIB [DEVICE [DIFFUSION_SPEC]]]   (defaults 24576, cuda:0, sdxl@1024x1024x1)
 */
public final class OneCard {

	private static final long GIB = 1L << 30;

	public static void main(String[] args) throws Exception {
		Path model = Path.of(args[0]);
		long cap = (args.length > 1 ? Long.parseLong(args[1]) : 24576) << 20;
		String device = args.length > 2 ? args[2] : "cuda:0";
		String spec = args.length > 3 ? args[3] : "sdxl@1024x1024x1";
		// the headroom that leaves the cap of the memory the device itself reports (nvidia-smi's total is larger)
		DeviceRegistry probe = registry(null);
		long total = probe.resolve(device).totalBytes();
		probe.shutdown();
		DeviceRegistry registry = registry(total - cap);
		DeviceService llmDevices = BundleDeviceService.forBundle(registry, "dev.atelier.llm");
		DeviceService sdDevices = BundleDeviceService.forBundle(registry, "dev.atelier.diffusion");
		DeviceService viewDevices = BundleDeviceService.forBundle(registry, "dev.atelier.viewport");
		AtomicLong peak = new AtomicLong();
		long start = System.nanoTime();
		llmDevices.addListener(event -> {
			DeviceStatus s = llmDevices.status(device);
			peak.accumulateAndGet(s.grantedBytes(), Math::max);
			log(start, "%-40s granted %6.2f GiB of budget %6.2f GiB (cap %.2f GiB)", describe(event), s.grantedBytes() / (double) GIB,
					(s.grantedBytes() + s.budgetBytes()) / (double) GIB, cap / (double) GIB);
		});
		ExecutorJobService jobs = new ExecutorJobService();
		LocalModels llm = new LocalModels(jobs, llmDevices, new ComputeRuntimeService(), null);
		boolean gpu = llmDevices.resolve(device).runsCudaModules();
		try (LocalModel chat = llm.model(model, null, device, 4096)) {
			ask(start, chat, "1. the chat model loads and answers");

			Workload diffusion = new DiffusionEstimator().parse(spec).orElseThrow();
			long sdBytes = diffusion.bytes();
			log(start, "2. a diffusion lease of %.2f GiB (%s) at interactive priority", sdBytes / (double) GIB, spec);
			try (VramLease sd = sdDevices.acquire(device, LeaseRequest.of(spec, sdBytes).withPriority(Priority.INTERACTIVE)
					.withTimeout(Duration.ofMinutes(1)))) {
				log(start, "   granted; the chat model is %s", chat.status().state());
				unetLike(start, sdDevices, sd, gpu ? 1024 : 1);
				if (gpu) {
					log(start, "3. a path-traced render beside it");
					CudaRenderer renderer = CudaRenderer.on(viewDevices, device);
					FlatScene scene = FlatScene.of(BuiltinScenes.cornellBox());
					RenderResult r = renderer.render(scene, BuiltinScenes.cornellBox().cameras().get(0), 512, 512, Settings.defaults().withSpp(256),
							ProgressListener.NONE, () -> false);
					log(start, "   rendered 512x512, stopped by %s", r.stop());
				} else {
					log(start, "3. no render: %s runs no CUDA kernels", device);
				}
			}
			ask(start, chat, "4. the next message loads the model again");
		} finally {
			llm.close();
			jobs.shutdown();
		}
		log(start, "peak granted %.2f GiB of the %.2f GiB cap", peak.get() / (double) GIB, cap / (double) GIB);
		if (peak.get() > cap) {
			System.out.println("ONE CARD FAILED: granted memory passed the cap");
			System.exit(1);
		}
		System.out.println("ONE CARD PASSED");
	}

	/** Diffusion-shaped work under the lease: F16 weights filling most of it, multiplied against a batch of activations. */
	private static DeviceRegistry registry(Long headroom) {
		DeviceRegistry registry = new DeviceRegistry(System::nanoTime, headroom);
		registry.addProvider(new CudaDevices());
		registry.addProvider(new CpuDevice());
		registry.addProvider(new SimulatedCards());
		return registry;
	}

	private static void unetLike(long start, DeviceService devices, VramLease lease, int batch) {
		ComputeRuntimeService runtime = new ComputeRuntimeService();
		try (VramLease.Use use = lease.use(); ComputeContext context = devices.openContext(lease); Compute compute = runtime.open(context, 1)) {
			int cols = 4096;
			// a row costs its 8 weights' F16 values and the batch's F32 outputs
			long free = lease.bytes() - runtime.workspaceBytes(context.device(), batch, cols) - 4L * batch * cols - (256L << 20);
			int rows = (int) Math.min(Integer.MAX_VALUE / cols, free / (8 * 2L * cols + 4L * batch));
			List<Tensor> weights = new java.util.ArrayList<>();
			for (int i = 0; i < 8; i++) {
				weights.add(compute.allocate(TensorType.F16, rows, cols));
			}
			Tensor x = compute.allocate(TensorType.F32, batch, cols);
			Tensor y = compute.allocate(TensorType.F32, batch, rows);
			for (Tensor w : weights) {
				compute.matmul(w, x, y);
			}
			compute.synchronize();
			log(start, "   diffusion-sized work: 8 × %d×%d F16 weights (%.2f GiB) against %d rows, %.2f GiB allocated under the lease", rows, cols,
					8.0 * rows * cols * 2 / GIB, batch, context.allocatedBytes() / (double) GIB);
		}
	}

	private static void ask(long start, LocalModel chat, String step) throws Exception {
		log(start, "%s", step);
		StringBuilder answer = new StringBuilder();
		Usage usage = chat.chat(List.of(ChatMessage.user("Say hello.")), Sampling.greedy(), 16, answer::append, () -> false);
		log(start, "   %d tokens at %.1f tokens/s; the model is %s on %s (%.2f GiB)", usage.generatedTokens(), usage.decodeTokensPerSecond(),
				chat.status().state(), chat.status().deviceId(), chat.status().bytes() / (double) GIB);
	}

	private static String describe(DeviceEvent event) {
		return event.type() + (event.lease() == null ? "" : " " + event.lease().owner().client());
	}

	private static void log(long start, String format, Object... args) {
		System.out.printf(Locale.ROOT, "%7.2f s  %s%n", (System.nanoTime() - start) / 1e9, String.format(Locale.ROOT, format, args));
	}
}
