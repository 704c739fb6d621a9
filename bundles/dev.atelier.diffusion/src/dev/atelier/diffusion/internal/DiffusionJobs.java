package dev.atelier.diffusion.internal;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.core.jobs.Job;
import dev.atelier.core.jobs.JobCancelledException;
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
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.Family;
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
	private static final List<String> VAE_EXTENSIONS = List.of(".safetensors", ".ckpt", ".pt");

	private final JobService jobs;
	private final DeviceService devices;
	private final Outputs outputs;
	private final GraphExecutor executor;
	private final ComputeRuntime runtime;
	private final Path loraFolder;
	private final Path workspace;
	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
	private final List<JobHandle<List<Path>>> queue = new ArrayList<>();

	@Activate
	public DiffusionJobs(@Reference JobService jobs, @Reference DeviceService devices, @Reference Outputs outputs, @Reference ComputeRuntime runtime,
			@Reference AtelierEnvironment environment) {
		// the models folder is the workspace's, or where its preferences say
		this(jobs, devices, outputs, GraphExecutors.onnx(), runtime, ModelsFolder.root(environment.paths()).resolve("loras"),
				environment.paths().workspaceRoot());
	}

	/**
	 * @param loraFolder where a prompt's {@code <lora:name:W>} finds {@code name.safetensors}; ControlNets and VAEs given by a
	 *                   bare name are in {@code controlnet} and {@code vae} beside it (the models folder's)
	 * @param workspace  what the images' infotexts name their init image and mask relative to, where they are in it
	 */
	DiffusionJobs(JobService jobs, DeviceService devices, Outputs outputs, GraphExecutor executor, ComputeRuntime runtime, Path loraFolder, Path workspace) {
		this.jobs = jobs;
		this.devices = devices;
		this.outputs = outputs;
		this.executor = executor;
		this.runtime = runtime;
		this.loraFolder = loraFolder;
		this.workspace = workspace;
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

	/** The device service the lanes lease from: the one {@code atelier generate --devices} resolves ids with. */
	DeviceService devices() {
		return devices;
	}

	@Override
	public Path defaultOutputFolder() {
		return outputs.folder(Outputs.DIFFUSION);
	}

	@Override
	public JobHandle<List<Path>> submit(Path model, GenerationRequest asked, String deviceId, Path outputFolder, GenerationListener listener) {
		GenerationRequest request = asked.withDrawnSeed();
		Target target = target(model, request, deviceId);
		Path folder = outputFolder == null ? defaultOutputFolder() : outputFolder;
		return enqueue("diffusion " + request.width() + "x" + request.height() + "x" + request.batch() + " on " + target.lane().deviceId,
				ctx -> run(ctx, target, model, request, folder, listener), target.lane().runner);
	}

	/**
	 * The batch in contiguous runs of images ({@link Planner#splitBatch}), each run a request of its own whose seed is
	 * its first image's, so that every image keeps the seed and the pixels it has in one batch; one job that waits for
	 * the runs on their lanes.
	 */
	@Override
	public JobHandle<List<Path>> submit(Path model, GenerationRequest asked, List<String> deviceIds, Path outputFolder, GenerationListener listener) {
		if (deviceIds.size() == 1) {
			return submit(model, asked, deviceIds.getFirst(), outputFolder, listener);
		}
		if (deviceIds.isEmpty()) {
			throw new IllegalArgumentException("no device to generate on");
		}
		GenerationRequest request = asked.withDrawnSeed();
		List<Integer> images = Planner.splitBatch(request.batch(), deviceIds.size());
		List<Run> runs = new ArrayList<>();
		int first = 0;
		for (int d = 0; d < deviceIds.size(); d++) {
			Target target = target(model, request.withBatch(Math.max(1, images.get(d))), deviceIds.get(d));
			if (runs.stream().anyMatch(r -> r.target().lane() == target.lane())) {
				throw new IllegalArgumentException(deviceIds + " names " + target.lane().deviceId + " twice");
			}
			if (images.get(d) > 0) {
				runs.add(new Run(target, request.withSeed(request.seed() + first).withBatch(images.get(d))));
				first += images.get(d);
			}
		}
		Path folder = outputFolder == null ? defaultOutputFolder() : outputFolder;
		String on = String.join("+", runs.stream().map(r -> r.target().lane().deviceId).toList());
		return enqueue("diffusion " + request.width() + "x" + request.height() + "x" + request.batch() + " on " + on,
				ctx -> runSplit(ctx, on, model, request, runs, folder, listener), runnable -> Thread.ofVirtual().name("atelier-diffusion-split").start(runnable));
	}

	/** Where a request runs: its device's lane, and the bytes it leases there. */
	private record Target(Lane lane, long bytes) {
	}

	/** One device's run of a split batch. */
	private record Run(Target target, GenerationRequest request) {
	}

	/**
	 * The lane of the device and the bytes the request leases there; refuses up front what can never fit it.
	 *
	 * @throws IllegalArgumentException for an unknown device, or a request that cannot fit it
	 */
	private Target target(Path model, GenerationRequest request, String deviceId) {
		// the CPU provider needs nothing from the device service: no lease, and no CPU device bundle
		Device device = deviceId.equals(CPU) ? null : devices.resolve(deviceId);
		// one lane per device, however it was named (auto, cuda:0)
		String laneId = device == null ? CPU : device.id();
		boolean checkpoint = CheckpointModel.isCheckpoint(model);
		long bytes = checkpoint ? checkpointBytes(model, request) : device == null || device.hostMemory() ? 0 : plan(model, request, device);
		if (device == null || device.hostMemory()) {
			checkHost(model, request);
		}
		return new Target(lanes.computeIfAbsent(laneId, id -> new Lane(id, device)), bytes);
	}

	private JobHandle<List<Path>> enqueue(String name, Job<List<Path>> job, Executor executor) {
		JobHandle<List<Path>> handle;
		synchronized (queue) {
			handle = jobs.submit(name, job, executor);
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
			return DiffusionModel.weightBytes(model) + activationBytes(model, r);
		} catch (IOException e) {
			throw new IllegalArgumentException(model + ": cannot read the model: " + e.getMessage(), e);
		}
	}

	/** The native engine's activations for the request (the UNet's rows together, one image's decode) from a checkpoint of the model's family. */
	static long activationBytes(Path model, GenerationRequest r) throws IOException {
		Family family;
		try (Checkpoint checkpoint = Checkpoint.open(model, null)) {
			family = checkpoint.family();
		}
		return DiffusionWorkload.Profile.engineActivationBytes(family, (long) r.width() * r.height(), r.batch());
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
				DiffusionWorkload.Profile.ONNX_SD15_PER_MEGAPIXEL * width / 320, true);
		return new DiffusionWorkload(profile, r.width(), r.height(), r.batch(), false, r.tileVae());
	}

	private List<Path> run(JobContext ctx, Target target, Path model, GenerationRequest r, Path folder, GenerationListener listener) throws Exception {
		Lane lane = target.lane();
		describe(ctx, lane.deviceId, model, r);
		ctx.begin("loading " + model.getFileName(), -1);
		List<GeneratedImage> images = generate(ctx, "Weights", target, model, r, new GenerationListener() {
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
		return write(ctx, images, folder);
	}

	/**
	 * A split batch: each run on its lane's thread (after the jobs queued there before it), all waited for; the first
	 * failure stops the others, and the job ends only when every run has stopped, so that no lease stays in use.
	 */
	private List<Path> runSplit(JobContext ctx, String on, Path model, GenerationRequest r, List<Run> runs, Path folder, GenerationListener listener)
			throws Exception {
		describe(ctx, on, model, r);
		ctx.begin("loading " + model.getFileName() + " on " + on, -1);
		AtomicBoolean failed = new AtomicBoolean();
		BooleanSupplier stop = () -> ctx.isCancelled() || failed.get();
		SplitProgress progress = new SplitProgress(ctx, runs.size(), r.batch() + " image(s) on " + on, listener);
		List<CompletableFuture<List<GeneratedImage>>> parts = new ArrayList<>();
		for (int i = 0; i < runs.size(); i++) {
			Run run = runs.get(i);
			GenerationListener heard = progress.of(i);
			parts.add(CompletableFuture.supplyAsync(() -> {
				try {
					return generate(ctx, "Weights on " + run.target().lane().deviceId, run.target(), model, run.request(), heard, stop);
				} catch (IOException | InterruptedException e) {
					throw new CompletionException(e);
				}
			}, run.target().lane().runner).whenComplete((v, e) -> {
				if (e != null) {
					failed.set(true);
				}
			}));
		}
		List<GeneratedImage> images = new ArrayList<>();
		Throwable first = null;
		for (CompletableFuture<List<GeneratedImage>> part : parts) {
			try {
				images.addAll(part.join());
			} catch (CompletionException e) {
				// a run stopped because another failed says only that it was cancelled: the failure is the one to tell
				Throwable cause = e.getCause();
				if (first == null || first instanceof JobCancelledException) {
					first = cause;
				}
			}
		}
		if (first instanceof Exception e) {
			throw e;
		}
		if (first instanceof Error e) {
			throw e;
		}
		return write(ctx, images, folder);
	}

	/** The job's record: where it ran, the model and the request's parameters. */
	private static void describe(JobContext ctx, String on, Path model, GenerationRequest r) {
		ctx.detail(JobHandle.DEVICE, on);
		ctx.detail("model", model.toString());
		Infotext.of(r, 0, model.getFileName().toString(), "").settings().forEach((k, v) -> {
			if (!k.startsWith("Model")) {
				ctx.detail(k, v);
			}
		});
		ctx.detail("Prompt", r.prompt());
		ctx.detail("Negative prompt", r.negativePrompt());
		ctx.detail("Batch", Integer.toString(r.batch()));
	}

	/**
	 * The request on the target lane's pipeline, loaded where needed; weights streamed from host memory are said to the
	 * listener and noted in the job's details under {@code weightsKey}.
	 */
	private List<GeneratedImage> generate(JobContext ctx, String weightsKey, Target target, Path model, GenerationRequest r, GenerationListener listener,
			BooleanSupplier cancelled) throws IOException, InterruptedException {
		if (cancelled.getAsBoolean()) {
			throw new JobCancelledException(); // stopped before its turn came: nothing to load
		}
		Path vae = r.vae() == null ? null : NamedFiles.find(r.vae(), loraFolder.resolveSibling("vae"), VAE_EXTENSIONS, "VAE");
		try (Lane.InUse pipeline = target.lane().open(model, vae, target.bytes(), CheckpointModel.isCheckpoint(model) ? activationBytes(model, r) : 0)) {
			if (pipeline.streamed() != null) {
				ctx.detail(weightsKey, pipeline.streamed());
				listener.warning(pipeline.streamed());
			}
			return pipeline.diffusion().generate(r, listener, cancelled);
		}
	}

	private List<Path> write(JobContext ctx, List<GeneratedImage> images, Path folder) throws IOException {
		ctx.begin("writing " + images.size() + " image(s)", images.size());
		List<Path> written = new ArrayList<>();
		for (GeneratedImage image : images) {
			Path file = outputs.writeNumbered(folder, Long.toString(image.seed()), image.image(),
					Map.of(Infotext.CHUNK, image.infotext().inWorkspace(workspace).text()));
			written.add(file);
			ctx.output(file.toString());
			ctx.worked(1);
		}
		return written;
	}

	/**
	 * The steps of a split batch's runs as one generation's: a step is heard once every run has made it, with each
	 * run's latest previews in the batch's order; the job's progress counts every run's steps. Warnings pass on at once.
	 * Calls to the listener never overlap.
	 */
	private static final class SplitProgress {
		private final JobContext ctx;
		private final String what;
		private final GenerationListener listener;
		private final int[] steps;
		private final List<List<RgbImage>> previews;
		private int heard;

		SplitProgress(JobContext ctx, int runs, String what, GenerationListener listener) {
			this.ctx = ctx;
			this.what = what;
			this.listener = listener;
			this.steps = new int[runs];
			this.previews = new ArrayList<>(Collections.nCopies(runs, List.of()));
		}

		GenerationListener of(int run) {
			return new GenerationListener() {
				@Override
				public void step(int step, int total, List<RgbImage> shown) {
					stepped(run, step, total, shown);
				}

				@Override
				public void warning(String message) {
					LOG.log(System.Logger.Level.WARNING, message);
					synchronized (SplitProgress.this) {
						listener.warning(message);
					}
				}
			};
		}

		private synchronized void stepped(int run, int step, int total, List<RgbImage> shown) {
			if (heard == 0 && Arrays.stream(steps).allMatch(s -> s == 0)) {
				ctx.begin("generating " + what, (long) total * steps.length);
			}
			steps[run] = step;
			previews.set(run, shown);
			ctx.worked(1);
			int least = Arrays.stream(steps).min().orElse(0);
			if (least > heard) {
				heard = least;
				listener.step(least, total, previews.stream().flatMap(List::stream).toList());
			}
		}
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
