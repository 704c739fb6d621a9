package dev.atelier.viewport.internal.trace;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.atelier.device.Device;
import dev.atelier.device.DeviceService;
import dev.atelier.device.VramLease;

/**
 * A split render's band on a device that computes on the host (the CPU, a simulated card): the {@link Renderer}'s
 * passes over its rows. The CPU adds straight into the merged film (bands never overlap), so there is nothing to copy
 * when rows change hands. A simulated card stands for a GPU: it keeps sums of its own, which rows are copied out of and
 * into as a GPU's are, and its lease books what the GPU's would.
 */
final class HostShare implements RenderShare {

	private final String device;
	private final VramLease lease;
	/** Where its passes add: the merged film, or sums of its own. */
	private final Film film;
	private final long seed;
	private final PathTracer[] tracers;
	private final ExecutorService pool;
	private long primaryRays;
	private long totalRays;

	private HostShare(String device, VramLease lease, Film film, long seed, PathTracer[] tracers) {
		this.device = device;
		this.lease = lease;
		this.film = film;
		this.seed = seed;
		this.tracers = tracers;
		pool = Executors.newFixedThreadPool(tracers.length, Thread.ofPlatform().daemon().name("atelier-trace-" + device + "-", 0).factory());
	}

	static HostShare open(DeviceService devices, Device device, SplitRenderer.Frame frame) {
		Film merged = frame.film();
		Film sums = device.hostMemory() ? merged : new Film(merged.width(), merged.height());
		VramLease lease = CudaRenderer.lease(devices, device, frame.packed(), merged.width(), merged.height());
		int threads = Math.min(frame.settings().threadCount(), merged.height());
		PathTracer[] tracers = new PathTracer[threads];
		for (int i = 0; i < threads; i++) {
			tracers[i] = new PathTracer(frame.scene(), frame.camera(), frame.settings().maxBounces());
		}
		return new HostShare(device.id(), lease, sums, frame.settings().seed(), tracers);
	}

	@Override
	public String device() {
		return device;
	}

	@Override
	public Rays trace(int top, int bottom, int first, int count) {
		try (VramLease.Use use = lease.use()) {
			for (int pass = first; pass < first + count; pass++) {
				Renderer.pass(pool, tracers, film, seed, pass, top, bottom);
			}
		}
		long primary = 0;
		long total = 0;
		for (PathTracer tracer : tracers) {
			primary += tracer.primaryRays;
			total += tracer.totalRays;
		}
		Rays rays = new Rays(primary - primaryRays, total - totalRays);
		primaryRays = primary;
		totalRays = total;
		return rays;
	}

	@Override
	public void collect(Film into, int top, int bottom) {
		if (into != film) {
			into.copyRows(film, top, bottom);
		}
	}

	@Override
	public void hand(Film from, int top, int bottom) {
		if (from != film) {
			film.copyRows(from, top, bottom);
		}
	}

	@Override
	public void close() {
		pool.shutdownNow();
		lease.close();
	}
}
