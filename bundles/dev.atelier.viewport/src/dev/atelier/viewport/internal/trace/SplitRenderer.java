package dev.atelier.viewport.internal.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.viewport.scene.Camera;

/**
 * One progressive render spread over several devices: every device traces a band of rows, in rounds of passes that
 * all devices run together (a round ends when the slowest band is done), and between rounds the bands are resized to
 * the speeds the devices showed in the last one, so that a slower card gets fewer rows and does not hold the frame
 * back. A pixel is traced by one device at a time, with the random stream of its place in the whole image, and its sums
 * move with it (copied exactly) when its row changes hands, so the image is the one a single device renders for the
 * same seed, bit for bit. Each device traces under its own lease, on a thread of its own (a GPU's context is bound to
 * it). A failure on one device stops the whole render once the round ends, and every lease is given back.
 */
public final class SplitRenderer implements RenderBackend {

	/** Rounds last about this long: long enough that waiting for the slowest band costs little, short enough to rebalance. */
	static final long ROUND_MILLIS = 100;
	/** Bands are whole multiples of a CUDA block's height, so that no block of a band's launch is half idle. */
	static final int GRANULE = CudaRenderer.BLOCK_Y;

	/** How fast a device traced its band in a round: the next round's bands are in proportion. */
	@FunctionalInterface
	public interface Pace {
		/** Pixel samples a second, from wall time. */
		Pace MEASURED = (device, pixelSamples, nanos) -> pixelSamples * 1e9 / Math.max(1, nanos);

		double speed(String device, long pixelSamples, long nanos);
	}

	/** What every device's share renders: the scene (also packed, for GPUs and leases), the camera, the settings and the merged film. */
	record Frame(FlatScene scene, PackedScene packed, PinholeCamera camera, Settings settings, Film film) {
	}

	/** Opens a device's share, on that device's thread. */
	@FunctionalInterface
	interface Opener {
		RenderShare open(Device device, Frame frame);
	}

	private final List<Device> chosen;
	private final Opener opener;
	private final Pace pace;
	private final long roundMillis;

	/** {@code roundMillis} 0 makes every pass a round (tests: many rebalances in a short render). */
	SplitRenderer(List<Device> chosen, Opener opener, Pace pace, long roundMillis) {
		if (chosen.size() < 2) {
			throw new IllegalArgumentException("a split render needs two or more devices, not " + chosen.size());
		}
		this.chosen = List.copyOf(chosen);
		this.opener = opener;
		this.pace = pace;
		this.roundMillis = roundMillis;
	}

	/**
	 * A render over these devices: CUDA GPUs trace with {@code kernels/pathtrace.cu}, the CPU and simulated cards on the
	 * host's cores. Throws {@link IllegalStateException} starting "no CUDA device" for a GPU that cannot run the path tracer.
	 */
	public static SplitRenderer over(DeviceService devices, List<Device> chosen) {
		return over(devices, chosen, Pace.MEASURED);
	}

	static SplitRenderer over(DeviceService devices, List<Device> chosen, Pace pace) {
		for (Device d : chosen) {
			if (d.runsCudaModules()) {
				CudaRenderer.pick(devices.devices(), d.id());
			}
		}
		return new SplitRenderer(chosen, shares(devices), pace, ROUND_MILLIS);
	}

	/** A GPU's share traces with the CUDA kernel, the CPU's and a simulated card's on the host. */
	static Opener shares(DeviceService devices) {
		return (device, frame) -> device.runsCudaModules()
				? CudaRenderer.on(devices, device.id()).share(frame.packed(), frame.camera(), frame.film().width(), frame.film().height(), frame.settings())
				: HostShare.open(devices, device, frame);
	}

	/** The devices joined as a job names them: {@code cuda:0+cuda:1}. */
	@Override
	public String device() {
		return JobHandle.deviceList(chosen.stream().map(Device::id).toList());
	}

	@Override
	public RenderResult render(FlatScene scene, Camera camera, int width, int height, Settings settings, ProgressListener listener,
			BooleanSupplier cancelled) {
		if (width < 1 || height < 1) {
			throw new IllegalArgumentException("cannot render a " + width + "x" + height + " image");
		}
		Frame frame = new Frame(scene, new PackedScene(scene), new PinholeCamera(camera, width, height), settings, new Film(width, height));
		int n = chosen.size();
		List<ExecutorService> threads = new ArrayList<>(n);
		for (Device d : chosen) {
			threads.add(Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("atelier-split-" + d.id()).factory()));
		}
		RenderShare[] shares = new RenderShare[n];
		try {
			onEach(threads, i -> shares[i] = opener.open(chosen.get(i), frame));
			RenderResult result = new Rounds(frame, shares, threads).run(listener, cancelled);
			close(threads, shares);
			return result;
		} catch (RuntimeException | Error e) {
			try {
				close(threads, shares);
			} catch (RuntimeException | Error again) {
				e.addSuppressed(again);
			}
			throw e;
		} finally {
			threads.forEach(ExecutorService::shutdownNow);
		}
	}

	/** Closes every share that opened, each on its device's thread. */
	private void close(List<ExecutorService> threads, RenderShare[] shares) {
		onEach(threads, i -> {
			if (shares[i] != null) {
				shares[i].close();
				shares[i] = null;
			}
			return null;
		});
	}

	/** One render's rounds. */
	private final class Rounds {
		private final Frame frame;
		private final RenderShare[] shares;
		private final List<ExecutorService> threads;
		private final double[] speeds;
		private final long[] work;
		private int[] bands;

		Rounds(Frame frame, RenderShare[] shares, List<ExecutorService> threads) {
			this.frame = frame;
			this.shares = shares;
			this.threads = threads;
			speeds = new double[shares.length];
			Arrays.fill(speeds, 1);
			work = new long[shares.length];
			bands = bands(speeds, frame.film().height(), GRANULE);
		}

		RenderResult run(ProgressListener listener, BooleanSupplier cancelled) {
			Film film = frame.film();
			Settings settings = frame.settings();
			int width = film.width();
			int spp = settings.spp();
			long limit = settings.timeLimit().toNanos();
			long start = System.nanoTime();
			long passNanos = 0;
			long primary = 0;
			long total = 0;
			int samples = 0;
			RenderResult.Stop stop = RenderResult.Stop.SAMPLES;
			Progress progress = new Progress(0, spp, 0, 0, 0);
			while (samples < spp) {
				if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
					stop = RenderResult.Stop.CANCELLED;
					break;
				}
				long roundStart = System.nanoTime();
				int count = CudaRenderer.batchSize(passNanos, spp - samples, roundStart - start, limit, roundMillis);
				int first = samples;
				int[] band = bands;
				long[][] traced = onEach(threads, i -> {
					if (band[i] == band[i + 1]) {
						return new long[3];
					}
					long t0 = System.nanoTime();
					RenderShare.Rays rays = shares[i].trace(band[i], band[i + 1], first, count);
					return new long[] { rays.primary(), rays.total(), System.nanoTime() - t0 };
				}, long[][]::new);
				samples += count;
				long now = System.nanoTime();
				passNanos = Math.max(1, (now - roundStart) / count);
				for (int i = 0; i < shares.length; i++) {
					primary += traced[i][0];
					total += traced[i][1];
					long pixelSamples = (long) (band[i + 1] - band[i]) * width * count;
					work[i] += pixelSamples;
					if (pixelSamples > 0) {
						speeds[i] = pace.speed(shares[i].device(), pixelSamples, traced[i][2]);
					}
				}
				if (samples < spp) {
					rebalance(bands(speeds, film.height(), GRANULE));
				}
				int[] current = bands;
				film.deferTo(samples, () -> onEach(threads, i -> {
					shares[i].collect(film, current[i], current[i + 1]);
					return null;
				}));
				progress = new Progress(samples, spp, now - start, primary, total);
				listener.passCompleted(progress, film);
				if (limit > 0 && now - start >= limit && samples < spp) {
					stop = RenderResult.Stop.TIME_LIMIT;
					break;
				}
			}
			RenderResult result = RenderResult.of(film, settings, progress, stop);
			Map<String, Long> split = new LinkedHashMap<>();
			for (int i = 0; i < shares.length; i++) {
				split.put(shares[i].device(), work[i]);
			}
			return result.withWork(split);
		}

		/** Moves the rows whose device changes: out of the old owner into the film, then into the new owner. */
		private void rebalance(int[] next) {
			int[] old = bands;
			onEach(threads, i -> {
				forEachPart(old[i], old[i + 1], next[i], next[i + 1], (top, bottom) -> shares[i].collect(frame.film(), top, bottom));
				return null;
			});
			onEach(threads, i -> {
				forEachPart(next[i], next[i + 1], old[i], old[i + 1], (top, bottom) -> shares[i].hand(frame.film(), top, bottom));
				return null;
			});
			bands = next;
		}
	}

	@FunctionalInterface
	private interface Rows {
		void apply(int top, int bottom);
	}

	/** The parts of [top, bottom) outside [keepTop, keepBottom): none, one or two ranges. */
	private static void forEachPart(int top, int bottom, int keepTop, int keepBottom, Rows rows) {
		int a = Math.min(bottom, Math.max(top, keepTop));
		int b = Math.max(top, Math.min(bottom, keepBottom));
		if (keepBottom <= top || keepTop >= bottom) {
			if (top < bottom) {
				rows.apply(top, bottom);
			}
			return;
		}
		if (top < a) {
			rows.apply(top, a);
		}
		if (b < bottom) {
			rows.apply(b, bottom);
		}
	}

	/**
	 * The bands of rows in proportion to the speeds: boundaries {@code b[0] = 0 ≤ b[1] ≤ … ≤ b[n] = height}, device i
	 * tracing [b[i], b[i + 1]), in whole granules of rows (the last may be short) by largest remainder, each device at
	 * least one granule while there are enough.
	 */
	static int[] bands(double[] speeds, int height, int granule) {
		int n = speeds.length;
		int units = (height + granule - 1) / granule;
		double sum = Arrays.stream(speeds).sum();
		int[] given = new int[n];
		double[] remainder = new double[n];
		int left = units;
		for (int i = 0; i < n; i++) {
			double share = sum > 0 ? units * speeds[i] / sum : units / (double) n;
			given[i] = (int) Math.floor(share);
			remainder[i] = share - given[i];
			left -= given[i];
		}
		while (left > 0) {
			int best = 0;
			for (int i = 1; i < n; i++) {
				if (remainder[i] > remainder[best]) {
					best = i;
				}
			}
			given[best]++;
			remainder[best] = -1;
			left--;
		}
		if (units >= n) {
			for (int i = 0; i < n; i++) {
				while (given[i] == 0) {
					int richest = 0;
					for (int k = 1; k < n; k++) {
						if (given[k] > given[richest]) {
							richest = k;
						}
					}
					given[richest]--;
					given[i]++;
				}
			}
		}
		int[] bounds = new int[n + 1];
		for (int i = 0; i < n; i++) {
			bounds[i + 1] = Math.min(height, bounds[i] + given[i] * granule);
		}
		return bounds;
	}

	@FunctionalInterface
	private interface Task<T> {
		T on(int device) throws Exception;
	}

	private void onEach(List<ExecutorService> threads, Task<?> task) {
		onEach(threads, task, Object[]::new);
	}

	/**
	 * Runs the task for every device on that device's thread and waits for all of them, even after one failed (a
	 * device's work cannot be abandoned halfway); then throws the first failure, naming its device.
	 */
	private <T> T[] onEach(List<ExecutorService> threads, Task<? extends T> task, IntFunction<T[]> array) {
		List<Future<? extends T>> futures = new ArrayList<>(threads.size());
		for (int i = 0; i < threads.size(); i++) {
			int device = i;
			futures.add(threads.get(i).submit((Callable<T>) () -> task.on(device)));
		}
		T[] results = array.apply(threads.size());
		RuntimeException failure = null;
		boolean interrupted = false;
		for (int i = 0; i < futures.size(); i++) {
			while (true) {
				try {
					results[i] = futures.get(i).get();
					break;
				} catch (InterruptedException e) {
					interrupted = true;
				} catch (ExecutionException e) {
					RuntimeException why = failure(chosen.get(i).id(), e.getCause());
					if (failure == null) {
						failure = why;
					} else {
						failure.addSuppressed(why);
					}
					break;
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		if (failure != null) {
			throw failure;
		}
		return results;
	}

	/** What a device's failure stops the render with: its message, after the device's id. */
	private static RuntimeException failure(String device, Throwable cause) {
		if (cause instanceof Error error) {
			throw error;
		}
		String message = String.valueOf(cause.getMessage());
		return new IllegalStateException(message.startsWith(device) ? message : device + ": " + message, cause);
	}
}
