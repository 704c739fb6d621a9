package dev.atelier.diffusion.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workloads;
import dev.atelier.compute.Compute;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.ComputeContext;
import dev.atelier.diffusion.internal.pipeline.CheckpointModel;
import dev.atelier.diffusion.internal.pipeline.ClipTokenizer;
import dev.atelier.diffusion.internal.pipeline.DiffusionModel;
import dev.atelier.diffusion.internal.pipeline.NamedFiles;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GeneratedImage;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.diffusion.internal.pipeline.StableDiffusion;
import dev.atelier.diffusion.exec.GraphExecutor;
import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.internal.ort.GraphExecutors;

/**
 * The diffusion queue: a lane per device, one thread that runs its jobs one at a time in the order submitted (they
 * wait QUEUED in the job service, visible and cancellable), a loaded pipeline per lane kept between jobs, and on GPUs
 * (real or simulated) a VRAM lease sized by the planner, evictable while idle. Simulated devices run on the CPU
 * provider with the lease accounted as if on that card, so that CI exercises the same admission path.
 */
@Component(service = DiffusionService.class)
public final class DiffusionJobs implements DiffusionService {

	private static final System.Logger LOG = System.getLogger(DiffusionJobs.class.getName());
	private static final String CPU = "cpu";
	/** The native engine's activations per image pixel: the VAE decoder's widest layers at full resolution, a few alive at once, in F32. */
	private static final long ENGINE_BYTES_PER_PIXEL = 4096;
	private static final List<String> VAE_EXTENSIONS = List.of(".safetensors", ".ckpt", ".pt");

	private final JobService jobs;
	private final DeviceService devices;
	private final Outputs outputs;
	private final GraphExecutor executor;
	private final ComputeRuntime runtime;
	private final Path loraFolder;
	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
	private final List<JobHandle<List<Path>>> queue = new ArrayList<>();

	@Activate
	public DiffusionJobs(@Reference JobService jobs, @Reference DeviceService devices, @Reference Outputs outputs, @Reference ComputeRuntime runtime) {
		// the outputs are <workspace>/outputs; the models folder is the workspace's, or where its preferences say
		this(jobs, devices, outputs, GraphExecutors.onnx(), runtime, ModelsFolder.root(new AtelierPaths(outputs.root().getParent())).resolve("loras"));
	}

	/**
	 * @param loraFolder where a prompt's {@code <lora:name:W>} finds {@code name.safetensors}; ControlNets and VAEs given by a
	 *                   bare name are in {@code controlnet} and {@code vae} beside it (the models folder's)
	 */
	DiffusionJobs(JobService jobs, DeviceService devices, Outputs outputs, GraphExecutor executor, ComputeRuntime runtime, Path loraFolder) {
		this.jobs = jobs;
		this.devices = devices;
		this.outputs = outputs;
		this.executor = executor;
		this.runtime = runtime;
		this.loraFolder = loraFolder;
	}

	/** Cancels what is queued or running, waits for the lanes to stop, then closes the pipelines. */
	@Deactivate
	public void close() {
		queue().forEach(JobHandle::cancel);
		for (Lane lane : lanes.values()) {
			lane.runner.shutdown();
			try {
				if (!lane.runner.awaitTermination(60, TimeUnit.SECONDS)) {
					LOG.log(System.Logger.Level.WARNING, "a diffusion job on " + lane.deviceId + " did not stop in 60 s; its pipeline stays open");
					continue;
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
			lane.unload();
		}
	}

	@Override
	public Path defaultOutputFolder() {
		return outputs.folder(Outputs.DIFFUSION);
	}

	@Override
	public JobHandle<List<Path>> submit(Path model, GenerationRequest asked, String deviceId, Path outputFolder, GenerationListener listener) {
		GenerationRequest request = asked.withDrawnSeed();
		// the CPU provider needs nothing from the device service: no lease, and no CPU device bundle
		Device device = deviceId.equals(CPU) ? null : devices.resolve(deviceId);
		// one lane per device, however it was named (auto, cuda:0)
		String laneId = device == null ? CPU : device.id();
		boolean checkpoint = CheckpointModel.isCheckpoint(model);
		long bytes = checkpoint ? checkpointBytes(model, request) : device == null || device.hostMemory() ? 0 : plan(model, request, device);
		if (device == null || device.hostMemory()) {
			checkHost(model, request);
		}
		Lane lane = lanes.computeIfAbsent(laneId, id -> new Lane(id, device));
		Path folder = outputFolder == null ? defaultOutputFolder() : outputFolder;
		JobHandle<List<Path>> handle;
		synchronized (queue) {
			handle = jobs.submit("diffusion " + request.width() + "x" + request.height() + "x" + request.batch() + " on " + laneId,
					ctx -> run(ctx, lane, model, request, bytes, folder, listener), lane.runner);
			queue.add(handle);
		}
		handle.result().whenComplete((v, e) -> {
			synchronized (queue) {
				queue.remove(handle);
			}
		});
		return handle;
	}

	@Override
	public List<JobHandle<List<Path>>> queue() {
		synchronized (queue) {
			return List.copyOf(queue);
		}
	}

	/** What the native engine holds on the compute: the weights as stored, and {@link #activationBytes}. */
	static long checkpointBytes(Path model, GenerationRequest r) {
		try {
			return DiffusionModel.weightBytes(model) + activationBytes(r);
		} catch (IOException e) {
			throw new IllegalArgumentException(model + ": cannot read the model: " + e.getMessage(), e);
		}
	}

	/** A generous bound on the native engine's activations for one image of the request. */
	static long activationBytes(GenerationRequest r) {
		return ENGINE_BYTES_PER_PIXEL * Math.max(512L * 512, (long) r.width() * r.height());
	}

	/**
	 * The bytes the planner estimates for the request on a GPU. Refuses up front, with its advice, only what can
	 * never fit the device (its memory less the headroom): what fits later waits for memory or evicts idle leases.
	 */
	private long plan(Path model, GenerationRequest r, Device device) {
		DiffusionWorkload workload = workload(model, r);
		long ceiling = device.totalBytes() - devices.status(device.id()).headroomBytes();
		Planner.Plan plan = Planner.plan(device.id(), ceiling, List.of(workload));
		if (!plan.fits()) {
			throw new IllegalArgumentException(String.format(Locale.ROOT, "a batch of %d at %dx%d (%s) cannot fit %s: %s", r.batch(), r.width(), r.height(),
					workload.breakdown(), device.id(), String.join("; ", plan.advice()) + (String.join("", plan.advice()).contains(":tiled")
							? " (:tiled is atelier generate --tile-vae)" : "")));
		}
		return plan.requiredBytes();
	}

	/**
	 * On the CPU, refuses up front what can never fit the host's memory (the CPU device's RAM less its headroom), as a
	 * card refuses what can never fit its VRAM: the kernel would kill the process part way instead. Takes no lease.
	 */
	private void checkHost(Path model, GenerationRequest r) {
		if (!Files.isDirectory(model)) {
			return; // loading it says what is wrong with it
		}
		Device cpu;
		try {
			cpu = devices.resolve(CPU);
		} catch (IllegalArgumentException e) {
			return; // no CPU device bundle: no host memory to plan against
		}
		plan(model, r, cpu);
	}

	/**
	 * The planner's model of an ONNX folder: weights as stored, activations scaled from SD 1.5's by the UNet's first
	 * block width (activation memory grows with channels × pixels); the VAE tiled where the request asks ({@code --tile-vae}),
	 * which the planner offers.
	 */
	static DiffusionWorkload workload(Path model, GenerationRequest r) {
		long weights;
		try {
			weights = DiffusionModel.weightBytes(model);
		} catch (IOException e) {
			throw new IllegalArgumentException(model + ": cannot list the model folder: " + e.getMessage(), e);
		}
		double width = 320;
		Path config = model.resolve("unet/config.json");
		if (Files.isRegularFile(config)) {
			try (Reader reader = Files.newBufferedReader(config)) {
				JsonObject json = JsonParser.parseReader(reader).getAsJsonObject();
				if (json.has("block_out_channels")) {
					width = json.getAsJsonArray("block_out_channels").get(0).getAsDouble();
				}
			} catch (IOException | RuntimeException e) {
				throw new IllegalArgumentException(config + ": not a UNet config: " + e.getMessage(), e);
			}
		}
		// weights counted as stored: "parameters" of two bytes each give the files' size whatever their precision
		DiffusionWorkload.Profile profile = new DiffusionWorkload.Profile("onnx:" + model.getFileName(), weights / 2.0,
				DiffusionWorkload.Profile.sd15ActivationBytesPerMegapixel() * width / 320, true);
		return new DiffusionWorkload(profile, r.width(), r.height(), r.batch(), false, r.tileVae());
	}

	private List<Path> run(JobContext ctx, Lane lane, Path model, GenerationRequest r, long bytes, Path folder, GenerationListener listener)
			throws Exception {
		ctx.detail(JobHandle.DEVICE, lane.deviceId);
		ctx.detail("model", model.toString());
		Infotext.of(r, 0, model.getFileName().toString(), "").settings().forEach((k, v) -> {
			if (!k.startsWith("Model")) {
				ctx.detail(k, v);
			}
		});
		ctx.detail("Prompt", r.prompt());
		ctx.detail("Negative prompt", r.negativePrompt());
		ctx.detail("Batch", Integer.toString(r.batch()));
		ctx.begin("loading " + model.getFileName(), -1);
		Path vae = r.vae() == null ? null : NamedFiles.find(r.vae(), loraFolder.resolveSibling("vae"), VAE_EXTENSIONS, "VAE");
		List<GeneratedImage> images;
		try (Lane.InUse pipeline = lane.open(model, vae, bytes, activationBytes(r))) {
			if (pipeline.streamed() != null) {
				ctx.detail("Weights", pipeline.streamed());
				listener.warning(pipeline.streamed());
			}
			ctx.begin("encoding the prompt", -1);
			images = pipeline.diffusion().generate(r, new GenerationListener() {
				@Override
				public void step(int step, int steps, List<RgbImage> previews) {
					if (step == 1) {
						ctx.begin("generating " + r.batch() + " image(s) on " + lane.deviceId, steps);
					}
					ctx.worked(1);
					listener.step(step, steps, previews);
				}

				@Override
				public void warning(String message) {
					LOG.log(System.Logger.Level.WARNING, message);
					listener.warning(message);
				}
			}, ctx::isCancelled);
		}
		ctx.begin("writing " + images.size() + " image(s)", images.size());
		List<Path> written = new ArrayList<>();
		for (GeneratedImage image : images) {
			Path file = outputs.writeNumbered(folder, Long.toString(image.seed()), image.image(), Map.of(Infotext.CHUNK, image.infotext().text()));
			written.add(file);
			ctx.output(file.toString());
			ctx.worked(1);
		}
		return written;
	}

	/** One device's queue and its loaded pipeline. */
	private final class Lane {
		final String deviceId;
		final Device device;
		final ExecutorService runner;
		/** The loaded pipeline and the lease its memory is under (null on the CPU); guarded by this lane. */
		private StableDiffusion loaded;
		private Path loadedFolder;
		/** The VAE file that replaces the loaded checkpoint's, or null. */
		private Path loadedVae;
		/** The lease of the loaded pipeline (a checkpoint's closes with its model); null on the CPU for ONNX folders. */
		private VramLease lease;
		/** The bytes asked for when the pipeline was loaded: what it runs in, its weights streamed or not. */
		private long askedBytes;
		/** How a checkpoint's weights stream from host memory, for the job's log; null when they all stay on the device. */
		private String streamed;

		/**
		 * A loaded pipeline in use: its lease is busy, so never evicted, until closed. {@code streamed}: how its weights
		 * stream from host memory, null when they are all on the device.
		 */
		record InUse(StableDiffusion diffusion, VramLease.Use use, String streamed) implements AutoCloseable {
			@Override
			public void close() {
				if (use != null) {
					use.close();
				}
			}
		}

		Lane(String deviceId, Device device) {
			this.deviceId = deviceId;
			this.device = device;
			this.runner = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("atelier-diffusion-" + deviceId).factory());
		}

		/**
		 * The lane's pipeline for the folder, marked in use under this lane's lock so that an eviction cannot fall
		 * between loading and using it; loaded (under a lease of {@code bytes} on a GPU, a checkpoint's of {@code bytes} or,
		 * streamed, of {@code activations} plus its streamed weights) when missing, other or evicted.
		 */
		synchronized InUse open(Path model, Path vae, long bytes, long activations) throws IOException, InterruptedException {
			if (loaded != null && loadedFolder.equals(model) && Objects.equals(loadedVae, vae) && askedBytes >= bytes) {
				if (lease == null) {
					return new InUse(loaded, null, streamed);
				}
				try {
					return new InUse(loaded, lease.use(), streamed);
				} catch (IllegalStateException evicted) {
					// taken back while idle: the eviction callback will find nothing left to close
				}
			}
			unload();
			if (CheckpointModel.isCheckpoint(model)) {
				openCheckpoint(model, vae, bytes, activations);
				return new InUse(loaded, lease.use(), streamed);
			}
			if (vae != null) {
				throw new IOException(model + ": an ONNX pipeline folder keeps its own VAE; a VAE file (" + vae + ") replaces a checkpoint's");
			}
			VramLease granted = null;
			Placement placement = Placement.cpu(0);
			if (device != null && !device.hostMemory()) {
				try {
					granted = devices.acquire(deviceId, LeaseRequest.of("diffusion " + model.getFileName(), bytes).withTimeout(Duration.ofMinutes(5))
							.evictable(this::evicted));
				} catch (LeaseRefusedException e) {
					throw new IOException(e.getMessage(), e);
				}
				if (device.runsCudaModules()) {
					placement = new Placement(Placement.Kind.CUDA, device.ordinal(), 0, granted.bytes());
				}
			}
			try {
				StableDiffusion fresh = new StableDiffusion(DiffusionModel.open(model, executor, placement), loraFolder, loraFolder.resolveSibling("controlnet"));
				VramLease.Use use = granted == null ? null : granted.use();
				loaded = fresh;
				loadedFolder = model;
				lease = granted;
				askedBytes = bytes;
				return new InUse(fresh, use, null);
			} catch (Throwable e) {
				if (granted != null) {
					granted.close();
				}
				throw e;
			}
		}

		/**
		 * Loads a checkpoint on the native engine, on this lane's device (the CUDA backend on a GPU, else the CPU backend; a
		 * simulated card's lease accounts it as on that card) under an evictable lease of {@code bytes} that the model holds
		 * until it is closed. Where that can never fit the device, even with every idle lease evicted, its weights stream
		 * from host memory under a lease of {@code activations} plus twice the largest block; only what even that cannot
		 * fit is refused, naming both sizes.
		 */
		private void openCheckpoint(Path model, Path vae, long bytes, long activations) throws IOException, InterruptedException {
			ClipTokenizer tokenizer = ClipTokenizer.openAi();
			String on = device == null ? CPU : deviceId;
			long budget = Long.MAX_VALUE;
			String note = null;
			VramLease granted;
			try {
				granted = acquire(on, model, bytes);
			} catch (LeaseRefusedException e) {
				if (!e.never()) {
					throw new IOException(e.getMessage(), e);
				}
				CheckpointModel.WeightBytes weights = CheckpointModel.weightBytes(model);
				budget = weights.streamed();
				long streamedBytes = activations + budget;
				if (budget >= weights.resident()) {
					throw new IOException(model + " cannot fit " + on + " (" + Workloads.gib(bytes) + "), and streaming its weights would hold no less; "
							+ e.getMessage(), e);
				}
				try {
					granted = acquire(on, model, streamedBytes);
				} catch (LeaseRefusedException again) {
					throw new IOException(model + " cannot fit " + on + ": " + Workloads.gib(bytes) + " with its weights on the card, "
							+ Workloads.gib(streamedBytes) + " with them streamed from host memory (" + Workloads.gib(activations) + " of activations and "
							+ Workloads.gib(budget) + " of weights at a time); " + again.getMessage(), again);
				}
				note = "weights streamed from host memory: " + Workloads.gib(budget) + " of " + Workloads.gib(weights.resident()) + " on the card at a time ("
						+ on + " cannot hold the " + Workloads.gib(bytes) + " this model needs with all its weights on it)";
				LOG.log(System.Logger.Level.INFO, model + ": " + note);
			}
			VramLease held = granted;
			ComputeContext context;
			Compute compute;
			try {
				context = devices.openContext(held);
			} catch (RuntimeException e) {
				held.close();
				throw e;
			}
			try {
				compute = runtime.open(context, Runtime.getRuntime().availableProcessors());
			} catch (RuntimeException e) {
				context.close();
				held.close();
				throw e;
			}
			// the model closes these with itself, or at once when it cannot open
			loaded = new StableDiffusion(CheckpointModel.open(model, vae, compute, budget, () -> {
				compute.close();
				context.close();
				held.close();
			}, tokenizer), loraFolder, loraFolder.resolveSibling("controlnet"));
			loadedFolder = model;
			loadedVae = vae;
			lease = held;
			askedBytes = bytes;
			streamed = note;
		}

		private VramLease acquire(String on, Path model, long bytes) throws LeaseRefusedException, InterruptedException {
			return devices.acquire(on, LeaseRequest.of("diffusion " + model.getFileName(), bytes).withTimeout(Duration.ofMinutes(5)).evictable(this::evicted));
		}

		/** The device service takes the memory of the idle pipeline: its sessions close, the next job loads it again. */
		private synchronized void evicted(VramLease taken) {
			if (taken == lease) {
				loaded.model().close();
				LOG.log(System.Logger.Level.INFO, "unloaded " + loadedFolder + " from " + deviceId + ": its memory was needed");
				loaded = null;
				loadedFolder = null;
				loadedVae = null;
				lease = null;
				streamed = null;
			}
		}

		synchronized void unload() {
			if (loaded != null) {
				loaded.model().close();
			}
			if (lease != null) {
				lease.close();
			}
			loaded = null;
			loadedFolder = null;
			loadedVae = null;
			lease = null;
			askedBytes = 0;
			streamed = null;
		}
	}
}
