package dev.atelier.viewport.internal.trace;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.atelier.device.ComputeContext;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceBuffer;
import dev.atelier.device.DeviceFunction;
import dev.atelier.device.DeviceFunction.Dim;
import dev.atelier.device.DeviceModule;
import dev.atelier.device.DeviceService;
import dev.atelier.device.DeviceStream;
import dev.atelier.device.HostBuffer;
import dev.atelier.device.LeaseRefusedException;
import dev.atelier.device.LeaseRequest;
import dev.atelier.device.VramLease;
import dev.atelier.kernels.Kernels;
import dev.atelier.viewport.scene.Camera;

/**
 * The path tracer on a CUDA GPU: {@code kernels/pathtrace.cu}, a megakernel that traces one sample of every pixel
 * per launch (a pass) with the integrator of {@link PathTracer}, over the {@link FlatScene} arrays uploaded once,
 * and accumulates into a film on the device. The render holds a lease of the device service for the scene, the
 * film and the kernel's traversal stacks, and gives it back when it ends.
 * <p>
 * Passes are queued in batches of about {@value #TARGET_BATCH_MILLIS} ms of GPU work, sized from the pass time
 * measured so far; after each batch the ray counters (which the kernel keeps with one atomic pair per block) are
 * read, the listener is told, and cancellation and the time limit are checked: cancelling takes effect after the
 * batch running, and the render stops after the batch that crosses the time limit (a batch never plans past it,
 * so that is within a pass of it). The device film holds the sums in double, laid out as the {@link Film}'s arrays
 * (float sums drift over thousands of passes, and the variance of smooth pixels loses its digits); the film
 * handed to the listener copies them over only when it is read.
 */
public final class CudaRenderer implements RenderBackend {

	/** The kernel image ({@code kernels/pathtrace.cu}) and its entry point. */
	static final String IMAGE = "pathtrace";
	static final String KERNEL = "pathtrace";
	/** Threads per block: 16 × 8 pixels (a multiple of 32: the kernel's ray count uses whole warps). */
	static final int BLOCK_X = 16;
	static final int BLOCK_Y = 8;
	/** The two 64-bit ray counters: camera rays and all rays. */
	static final long COUNTER_BYTES = 16;
	/**
	 * Device memory the driver sets aside per resident thread for the kernel's stack frame (the 64-entry traversal
	 * stack of node and distance, 512 bytes, and spills: ptxas reports 624 to 640 bytes for sm_75 to sm_90), rounded
	 * up. It is not allocated through the context, but it is memory the render occupies, so the lease counts it,
	 * for the most threads an SM keeps resident (2048 from Volta on; fewer on some, which only over-counts).
	 */
	static final long STACK_BYTES_PER_THREAD = 768;
	static final int RESIDENT_THREADS_PER_MULTIPROCESSOR = 2048;
	static final long TARGET_BATCH_MILLIS = 50;
	static final int MAX_BATCH = 256;
	private static final ValueLayout.OfLong COUNTER = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	private final DeviceService devices;
	private final Device device;

	private CudaRenderer(DeviceService devices, Device device) {
		this.devices = devices;
		this.device = device;
	}

	/**
	 * The CUDA renderer on a device: {@code deviceId}, or the first CUDA device that can run Atelier's kernels when
	 * null. Throws {@link IllegalStateException} starting "no CUDA device" when there is none (see {@link #pick}).
	 */
	public static CudaRenderer on(DeviceService devices, String deviceId) {
		return new CudaRenderer(devices, pick(devices.devices(), deviceId));
	}

	/**
	 * The device to trace on: the one named (it must be a CUDA device that runs Atelier's kernels) or, with a null
	 * id, the first such CUDA device. Otherwise an {@link IllegalStateException} says why, starting "no CUDA device".
	 */
	static Device pick(List<Device> all, String deviceId) {
		List<Device> cuda = all.stream().filter(Device::runsCudaModules).toList();
		String known = all.isEmpty() ? "no devices" : all.stream().map(Device::id).collect(Collectors.joining(", "));
		if (deviceId != null) {
			Device named = all.stream().filter(d -> d.id().equals(deviceId)).findFirst()
					.orElseThrow(() -> new IllegalStateException("no CUDA device '" + deviceId + "'; the device service has " + known));
			if (!named.runsCudaModules()) {
				throw new IllegalStateException("no CUDA device '" + deviceId + "': it is a " + named.backend().id() + " device");
			}
			Kernels.incompatibility(named).ifPresent(why -> {
				throw new IllegalStateException("no CUDA device that runs the path tracer: " + deviceId + ": " + why);
			});
			return named;
		}
		if (cuda.isEmpty()) {
			throw new IllegalStateException("no CUDA device: the device service has " + known);
		}
		List<String> reasons = new ArrayList<>();
		for (Device d : cuda) {
			Optional<String> why = Kernels.incompatibility(d);
			if (why.isEmpty()) {
				return d;
			}
			reasons.add(d.id() + ": " + why.get());
		}
		throw new IllegalStateException("no CUDA device that runs the path tracer: " + String.join("; ", reasons));
	}

	/** The GPU this renderer traces on. */
	public Device gpu() {
		return device;
	}

	@Override
	public String device() {
		return device.id();
	}

	/** Bytes of the device film of a width × height render: four planes (radiance, its square, albedo, normal) of 3 doubles per pixel. */
	static long filmBytes(int width, int height) {
		return 4 * Film.planeBytes(width, height);
	}

	/**
	 * The lease a render asks for: the packed scene, the film, the ray counters, and the traversal stacks of every
	 * thread the device can keep resident.
	 */
	static long leaseBytes(long sceneBytes, int width, int height, int multiprocessors) {
		return sceneBytes + filmBytes(width, height) + COUNTER_BYTES
				+ STACK_BYTES_PER_THREAD * RESIDENT_THREADS_PER_MULTIPROCESSOR * Math.max(1, multiprocessors);
	}

	/**
	 * Passes to queue before the next synchronisation: none measured yet, one (its time is the estimate); then
	 * about {@value #TARGET_BATCH_MILLIS} ms of work and never more than the time limit leaves room for, at least
	 * one and at most what is left and {@value #MAX_BATCH}.
	 */
	static int batchSize(long passNanos, int remaining, long elapsedNanos, long limitNanos) {
		return batchSize(passNanos, remaining, elapsedNanos, limitNanos, TARGET_BATCH_MILLIS);
	}

	/** As above, for about {@code targetMillis} of work. */
	static int batchSize(long passNanos, int remaining, long elapsedNanos, long limitNanos, long targetMillis) {
		if (remaining <= 1 || passNanos <= 0) {
			return Math.min(1, Math.max(remaining, 0));
		}
		long budget = targetMillis * 1_000_000;
		if (limitNanos > 0) {
			budget = Math.min(budget, limitNanos - elapsedNanos);
		}
		return (int) Math.clamp(budget / passNanos, 1, Math.min(remaining, MAX_BATCH));
	}

	/** The launch grid for a film: blocks of {@value #BLOCK_X} × {@value #BLOCK_Y} pixels covering it. */
	static Dim grid(int width, int height) {
		return new Dim((width + BLOCK_X - 1) / BLOCK_X, (height + BLOCK_Y - 1) / BLOCK_Y, 1);
	}

	@Override
	public RenderResult render(FlatScene scene, Camera camera, int width, int height, Settings settings, ProgressListener listener,
			BooleanSupplier cancelled) {
		if (width < 1 || height < 1) {
			throw new IllegalArgumentException("cannot render a " + width + "x" + height + " image");
		}
		PinholeCamera pinhole = new PinholeCamera(camera, width, height);
		PackedScene packed = new PackedScene(scene);
		try (VramLease lease = lease(devices, device, packed, width, height); VramLease.Use use = lease.use();
				ComputeContext context = devices.openContext(lease); ComputeContext.Binding bound = context.bind();
				DeviceStream stream = context.newStream(); DeviceModule module = Kernels.load(context, IMAGE)) {
			return new Run(context, stream, module.function(KERNEL), packed, pinhole, width, height, settings).render(listener, cancelled);
		}
	}

	/**
	 * The lease a render of this scene and size takes on {@code gpu} (a simulated card's share of a split render
	 * books the same); the message says why when it cannot have it.
	 */
	static VramLease lease(DeviceService devices, Device gpu, PackedScene packed, int width, int height) {
		long need = leaseBytes(packed.bytes(), width, height, gpu.multiprocessors());
		try {
			return devices.acquire(gpu.id(), LeaseRequest.of("atelier render " + width + "x" + height, need));
		} catch (LeaseRefusedException e) {
			throw new IllegalStateException(gpu.id() + " has no room for the render (" + need / (1 << 20) + " MiB): " + e.getMessage(), e);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for memory on " + gpu.id(), e);
		}
	}

	/**
	 * This GPU's part of a split render, its lease taken, its context bound to the calling thread and the scene
	 * uploaded: every call on it, {@link RenderShare#close()} too, must come from that thread.
	 */
	RenderShare share(PackedScene packed, PinholeCamera camera, int width, int height, Settings settings) {
		Deque<AutoCloseable> opened = new ArrayDeque<>();
		try {
			VramLease lease = lease(devices, device, packed, width, height);
			opened.push(lease);
			opened.push(lease.use());
			ComputeContext context = devices.openContext(lease);
			opened.push(context);
			opened.push(context.bind());
			DeviceStream stream = context.newStream();
			opened.push(stream);
			DeviceModule module = Kernels.load(context, IMAGE);
			opened.push(module);
			Run run = new Run(context, stream, module.function(KERNEL), packed, camera, width, height, settings);
			opened.push(run);
			run.upload();
			return new GpuShare(device.id(), run, opened);
		} catch (RuntimeException | Error e) {
			RenderShare.closeAll(opened, e);
			throw e;
		}
	}

	/** A GPU's band of a split render: its own film on the device, of which it traces and hands over rows. */
	private record GpuShare(String device, Run run, Deque<AutoCloseable> opened) implements RenderShare {

		@Override
		public Rays trace(int top, int bottom, int first, int count) {
			return run.trace(top, bottom, first, count);
		}

		@Override
		public void collect(Film film, int top, int bottom) {
			run.rows(film, top, bottom, true);
		}

		@Override
		public void hand(Film film, int top, int bottom) {
			run.rows(film, top, bottom, false);
		}

		@Override
		public void close() {
			RenderShare.closeAll(opened, null);
		}
	}

	/** One render's device buffers and loop. */
	private static final class Run implements AutoCloseable {
		private final ComputeContext context;
		private final DeviceStream stream;
		private final DeviceFunction kernel;
		private final PackedScene packed;
		private final int width;
		private final int height;
		private final Settings settings;
		private final DeviceBuffer sceneBuffer;
		private final DeviceBuffer sums;
		private final DeviceBuffer counters;
		private final HostBuffer counterHost;
		private final Object[] arguments;
		private final int topArgument;
		private final int passArgument;
		private long primaryRays;
		private long totalRays;
		private final Film film;
		private HostBuffer filmHost;

		Run(ComputeContext context, DeviceStream stream, DeviceFunction kernel, PackedScene packed, PinholeCamera camera, int width, int height,
				Settings settings) {
			this.context = context;
			this.stream = stream;
			this.kernel = kernel;
			this.packed = packed;
			this.width = width;
			this.height = height;
			this.settings = settings;
			sceneBuffer = context.allocate(packed.bytes());
			sums = context.allocate(filmBytes(width, height));
			counters = context.allocate(COUNTER_BYTES);
			counterHost = context.allocateHost(COUNTER_BYTES);
			film = new Film(width, height);
			List<Object> args = new ArrayList<>();
			for (PackedScene.Section section : PackedScene.Section.values()) {
				args.add(sceneBuffer.address() + packed.byteOffset(section));
			}
			args.add(packed.scene().lightCount());
			args.add(packed.scene().emitters.length);
			args.add(sums);
			args.add(counters);
			args.add(width);
			args.add(height);
			topArgument = args.size();
			args.add(0);
			args.add(height);
			passArgument = args.size();
			args.add(0);
			args.add(settings.seed());
			args.add(settings.maxBounces());
			for (float f : camera.parameters()) {
				args.add(f);
			}
			arguments = args.toArray();
		}

		/** The scene onto the device, the film and counters cleared. */
		void upload() {
			try (HostBuffer staging = context.allocateHost(packed.bytes())) {
				packed.write(staging.segment());
				sceneBuffer.writeAsync(0, staging.segment(), stream);
				sums.clear(0, sums.bytes(), stream);
				counters.clear(0, COUNTER_BYTES, stream);
				stream.synchronize();
			}
		}

		/** Passes [first, first + count) of rows [top, bottom), waited for; the rays they traced. */
		RenderShare.Rays trace(int top, int bottom, int first, int count) {
			arguments[topArgument] = top;
			arguments[topArgument + 1] = bottom;
			Dim grid = grid(width, bottom - top);
			Dim block = new Dim(BLOCK_X, BLOCK_Y, 1);
			for (int i = 0; i < count; i++) {
				arguments[passArgument] = first + i;
				kernel.launch(grid, block, 0, stream, arguments);
			}
			counters.readAsync(0, counterHost.segment(), stream);
			stream.synchronize();
			long primary = counterHost.segment().get(COUNTER, 0);
			long total = counterHost.segment().get(COUNTER, 8);
			RenderShare.Rays rays = new RenderShare.Rays(primary - primaryRays, total - totalRays);
			primaryRays = primary;
			totalRays = total;
			return rays;
		}

		/** Copies the sums of rows [top, bottom) from the device into the film ({@code out}), or from the film onto the device. */
		void rows(Film into, int top, int bottom, boolean out) {
			if (filmHost == null) {
				filmHost = context.allocateHost(sums.bytes());
			}
			long plane = Film.planeBytes(width, height);
			long offset = 24L * top * width;
			long bytes = 24L * (bottom - top) * width;
			if (!out) {
				into.storeRows(filmHost.segment(), top, bottom);
			}
			for (int k = 0; k < 4; k++) {
				long at = k * plane + offset;
				if (out) {
					sums.readAsync(at, filmHost.segment().asSlice(at, bytes), stream);
				} else {
					sums.writeAsync(at, filmHost.segment().asSlice(at, bytes), stream);
				}
			}
			stream.synchronize();
			if (out) {
				into.loadRows(filmHost.segment(), top, bottom);
			}
		}

		@Override
		public void close() {
			if (filmHost != null) {
				filmHost.close();
				filmHost = null;
			}
		}

		RenderResult render(ProgressListener listener, BooleanSupplier cancelled) {
			long start = System.nanoTime();
			upload();
			int spp = settings.spp();
			long limit = settings.timeLimit().toNanos();
			RenderResult.Stop stop = RenderResult.Stop.SAMPLES;
			Progress progress = new Progress(0, spp, 0, 0, 0);
			int samples = 0;
			long passNanos = 0;
			try {
				while (samples < spp) {
					if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
						stop = RenderResult.Stop.CANCELLED;
						break;
					}
					long batchStart = System.nanoTime();
					int batch = batchSize(passNanos, spp - samples, batchStart - start, limit);
					trace(0, height, samples, batch);
					samples += batch;
					long now = System.nanoTime();
					passNanos = Math.max(1, (now - batchStart) / batch);
					progress = new Progress(samples, spp, now - start, primaryRays, totalRays);
					int done = samples;
					film.deferTo(done, () -> fetch(done));
					listener.passCompleted(progress, film);
					if (limit > 0 && now - start >= limit && samples < spp) {
						stop = RenderResult.Stop.TIME_LIMIT;
						break;
					}
				}
				return RenderResult.of(film, settings, progress, stop);
			} finally {
				close();
			}
		}

		/** Copies the device film's sums (after {@code samples} passes) into the film. */
		private void fetch(int samples) {
			if (filmHost == null) {
				filmHost = context.allocateHost(sums.bytes());
			}
			sums.readAsync(0, filmHost.segment(), stream);
			stream.synchronize();
			film.load(filmHost.segment(), samples);
		}
	}
}
