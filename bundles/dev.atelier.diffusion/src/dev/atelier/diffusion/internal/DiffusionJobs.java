package dev.atelier.diffusion.internal;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.io.AtomicFiles;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobContext;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.device.Backend;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.device.plan.DiffusionWorkload;
import dev.atelier.device.plan.Planner;
import dev.atelier.diffusion.DiffusionModel;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GeneratedImage;
import dev.atelier.diffusion.GenerationListener;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.diffusion.PngInfo;
import dev.atelier.diffusion.StableDiffusion;
import dev.atelier.diffusion.exec.GraphExecutor;
import dev.atelier.diffusion.exec.Placement;
import dev.atelier.diffusion.internal.ort.OrtExecutor;

/**
 * The diffusion queue: a lane per device that admits jobs in the order they were submitted, a loaded pipeline per
 * device kept between jobs, and on GPUs (real or simulated) a VRAM lease sized by the planner, evictable while idle.
 * Simulated devices run on the CPU provider with the lease accounted as if on that card, so that CI exercises the
 * same admission path.
 */
@Component(service = DiffusionService.class)
public final class DiffusionJobs implements DiffusionService {

	private static final System.Logger LOG = System.getLogger(DiffusionJobs.class.getName());
	private static final String CPU = "cpu";
	private static final Pattern NUMBERED = Pattern.compile("(\\d{5})-.*\\.png");

	private final JobService jobs;
	private final DeviceService devices;
	private final Path outputs;
	private final GraphExecutor executor;
	private final AtomicLong tickets = new AtomicLong();
	private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
	private final Map<String, Loaded> loaded = new HashMap<>();
	private final List<JobHandle<List<Path>>> queue = new ArrayList<>();

	/** A pipeline loaded on a device, with the lease its memory is under (null on the CPU). */
	private record Loaded(Path folder, StableDiffusion pipeline, VramLease lease) {
	}

	@Activate
	public DiffusionJobs(@Reference JobService jobs, @Reference DeviceService devices, @Reference AtelierEnvironment env) {
		this(jobs, devices, env.paths().workspaceRoot().resolve("outputs").resolve("diffusion"), new OrtExecutor());
	}

	DiffusionJobs(JobService jobs, DeviceService devices, Path outputs, GraphExecutor executor) {
		this.jobs = jobs;
		this.devices = devices;
		this.outputs = outputs;
		this.executor = executor;
	}

	@Deactivate
	public void close() {
		synchronized (loaded) {
			loaded.values().forEach(DiffusionJobs::unload);
			loaded.clear();
		}
	}

	@Override
	public Path defaultOutputFolder() {
		return outputs;
	}

	@Override
	public JobHandle<List<Path>> submit(Path model, GenerationRequest request, String deviceId, Path outputFolder, GenerationListener listener) {
		// the CPU provider needs nothing from the device service: no lease, and no CPU device bundle
		Device device = deviceId.equals(CPU) ? null : devices.device(deviceId).orElseThrow(() -> new IllegalArgumentException(
				"unknown device '" + deviceId + "'; known: " + devices.devices().stream().map(Device::id).toList()));
		long bytes = device == null || device.backend() == Backend.CPU ? 0 : plan(model, request, device);
		Lane lane = lanes.computeIfAbsent(deviceId, id -> new Lane());
		long ticket = tickets.incrementAndGet();
		lane.join(ticket);
		Path folder = outputFolder == null ? outputs : outputFolder;
		JobHandle<List<Path>> handle;
		synchronized (queue) {
			handle = jobs.submit("diffusion " + request.width() + "x" + request.height() + "x" + request.batch() + " on " + deviceId,
					ctx -> run(ctx, lane, ticket, deviceId, device, model, request, bytes, folder, listener));
			queue.add(handle);
		}
		handle.result().whenComplete((v, e) -> {
			lane.leave(ticket);
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

	/** The bytes the planner estimates for the request on a GPU; refuses up front, with its advice, what can never fit. */
	private long plan(Path model, GenerationRequest r, Device device) {
		DiffusionWorkload workload = workload(model, r);
		long budget = devices.status(device.id()).budgetBytes();
		Planner.Plan plan = Planner.plan(device.id(), budget, List.of(workload));
		if (!plan.fits()) {
			throw new IllegalArgumentException(String.format(Locale.ROOT, "a batch of %d at %dx%d (%s) cannot fit %s: %s", r.batch(), r.width(), r.height(),
					workload.breakdown(), device.id(), String.join("; ", plan.advice())));
		}
		return plan.requiredBytes();
	}

	/**
	 * The planner's model of an ONNX folder: weights as stored, activations scaled from SD 1.5's by the UNet's first
	 * block width (activation memory grows with channels × pixels); no tiled VAE, which this pipeline lacks.
	 */
	static DiffusionWorkload workload(Path model, GenerationRequest r) {
		long weights;
		try (Stream<Path> files = Files.walk(model)) {
			weights = files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".onnx") || f.toString().endsWith(".pb")
					|| f.toString().endsWith(".onnx_data")).mapToLong(f -> f.toFile().length()).sum();
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
		DiffusionWorkload.Profile profile = new DiffusionWorkload.Profile("onnx:" + model.getFileName(), weights / 2.0,
				DiffusionWorkload.Profile.sd15ActivationBytesPerMegapixel() * width / 320, false);
		return new DiffusionWorkload(profile, r.width(), r.height(), r.batch(), false, false);
	}

	private List<Path> run(JobContext ctx, Lane lane, long ticket, String deviceId, Device device, Path model, GenerationRequest r, long bytes,
			Path folder, GenerationListener listener) throws Exception {
		lane.await(ticket, ctx, deviceId);
		ctx.detail(JobHandle.DEVICE, deviceId);
		Infotext info = Infotext.of(r, 0, model.getFileName().toString(), "");
		ctx.detail("model", model.toString());
		info.settings().forEach((k, v) -> {
			if (!k.startsWith("Model")) {
				ctx.detail(k, v);
			}
		});
		ctx.detail("Prompt", r.prompt());
		ctx.detail("Negative prompt", r.negativePrompt());
		ctx.detail("Batch", Integer.toString(r.batch()));
		ctx.begin("loading " + model.getFileName(), -1);
		Loaded pipeline = load(model, deviceId, device, bytes);
		List<GeneratedImage> images;
		VramLease.Use use = pipeline.lease() == null ? null : pipeline.lease().use();
		try {
			ctx.begin("encoding the prompt", -1);
			images = pipeline.pipeline().generate(r, new GenerationListener() {
				@Override
				public void step(int step, int steps, List<BufferedImage> previews) {
					if (step == 1) {
						ctx.begin("generating " + r.batch() + " image(s) on " + deviceId, steps);
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
		} finally {
			if (use != null) {
				use.close();
			}
		}
		ctx.begin("writing " + images.size() + " image(s)", images.size());
		List<Path> written = new ArrayList<>();
		Files.createDirectories(folder);
		int number = nextNumber(folder);
		for (GeneratedImage image : images) {
			Path file = folder.resolve(String.format(Locale.ROOT, "%05d-%d.png", number++, image.seed()));
			byte[] png = PngInfo.encode(image.image(), Map.of(Infotext.CHUNK, image.infotext().text()));
			AtomicFiles.write(file, out -> out.write(png));
			written.add(file);
			ctx.output(file.toString());
			ctx.worked(1);
		}
		return written;
	}

	private static int nextNumber(Path folder) throws IOException {
		try (Stream<Path> files = Files.list(folder)) {
			return files.map(f -> NUMBERED.matcher(f.getFileName().toString())).filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1)))
					.max().orElse(-1) + 1;
		}
	}

	/** The device's loaded pipeline for the folder, loading it (under a lease of {@code bytes} on a GPU) when needed. */
	private Loaded load(Path model, String deviceId, Device device, long bytes) throws IOException, InterruptedException {
		synchronized (loaded) {
			Loaded current = loaded.get(deviceId);
			if (current != null && current.folder().equals(model) && (current.lease() == null || current.lease().bytes() >= bytes)) {
				return current;
			}
			if (current != null) {
				unload(current);
				loaded.remove(deviceId);
			}
			VramLease lease = null;
			Placement placement = Placement.cpu(0);
			if (device != null && device.backend() != Backend.CPU) {
				try {
					lease = devices.acquire(device.id(), LeaseRequest.of("diffusion " + model.getFileName(), bytes).withTimeout(Duration.ofMinutes(5))
							.evictable(evicted -> evict(device.id(), evicted)));
				} catch (LeaseRefusedException e) {
					throw new IOException(e.getMessage(), e);
				}
				if (device.backend() == Backend.CUDA) {
					placement = new Placement(Placement.Kind.CUDA, Integer.parseInt(device.id().substring(device.id().indexOf(':') + 1)), 0, lease.bytes());
				}
			}
			try {
				Loaded fresh = new Loaded(model, new StableDiffusion(DiffusionModel.open(model, executor, placement)), lease);
				loaded.put(deviceId, fresh);
				return fresh;
			} catch (IOException | RuntimeException e) {
				if (lease != null) {
					lease.close();
				}
				throw e;
			}
		}
	}

	/** The device service takes the memory of an idle pipeline: its sessions close, the next job loads it again. */
	private void evict(String deviceId, VramLease lease) {
		synchronized (loaded) {
			Loaded current = loaded.get(deviceId);
			if (current != null && current.lease() == lease) {
				current.pipeline().model().close();
				loaded.remove(deviceId);
				LOG.log(System.Logger.Level.INFO, "unloaded " + current.folder() + " from " + deviceId + ": its memory was needed");
			}
		}
	}

	private static void unload(Loaded l) {
		l.pipeline().model().close();
		if (l.lease() != null) {
			l.lease().close();
		}
	}

	/** First come, first served on one device: tickets are taken at submission, so the order is the submission order. */
	private static final class Lane {
		private final Deque<Long> waiting = new ArrayDeque<>();

		synchronized void join(long ticket) {
			waiting.addLast(ticket);
		}

		synchronized void leave(long ticket) {
			waiting.remove(ticket);
			notifyAll();
		}

		synchronized void await(long ticket, JobContext ctx, String device) throws InterruptedException {
			int shown = -1;
			while (waiting.peekFirst() != ticket) {
				if (ctx.isCancelled()) {
					throw new JobCancelledException();
				}
				int ahead = position(ticket);
				if (ahead != shown) {
					ctx.begin("queued on " + device + " behind " + ahead + " job(s)", -1);
					shown = ahead;
				}
				wait(100);
			}
		}

		private int position(long ticket) {
			int n = 0;
			for (long t : waiting) {
				if (t == ticket) {
					break;
				}
				n++;
			}
			return n;
		}
	}
}
