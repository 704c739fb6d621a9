package dev.atelier.viewport.internal.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;

/**
 * Progressive path-traced rendering: pass after pass, each adding one sample to every pixel, rows handed out to
 * the worker threads as they ask. Every pixel sample draws its random numbers from its own stream (seed, pixel,
 * pass), so an image depends on the seed only, not on the thread count or the order rows finish in. Stops at the
 * spp asked for, after the pass that crosses the time limit, or before a pass once cancelled.
 */
public final class Renderer {

	private Renderer() {
	}

	/** Flattens the scene (BVH build included), then renders it; see {@link #render(FlatScene, Camera, int, int, Settings, ProgressListener, BooleanSupplier)}. */
	public static RenderResult render(Scene scene, Camera camera, int width, int height, Settings settings, ProgressListener listener,
			BooleanSupplier cancelled) {
		return render(FlatScene.of(scene), camera, width, height, settings, listener, cancelled);
	}

	/** Renders an already flattened scene: re-rendering after a camera move does not rebuild the BVH. */
	public static RenderResult render(FlatScene scene, Camera camera, int width, int height, Settings settings, ProgressListener listener,
			BooleanSupplier cancelled) {
		return render(scene, camera, width, height, settings, listener, cancelled, System::nanoTime);
	}

	/** As above, timing the passes (for the time limit and the progress) by {@code nanoClock}. */
	static RenderResult render(FlatScene scene, Camera camera, int width, int height, Settings settings, ProgressListener listener,
			BooleanSupplier cancelled, LongSupplier nanoClock) {
		if (width < 1 || height < 1) {
			throw new IllegalArgumentException("cannot render a " + width + "x" + height + " image");
		}
		PinholeCamera pinhole = new PinholeCamera(camera, width, height);
		Film film = new Film(width, height);
		int threads = Math.min(settings.threadCount(), height);
		PathTracer[] tracers = new PathTracer[threads];
		for (int i = 0; i < threads; i++) {
			tracers[i] = new PathTracer(scene, pinhole, settings.maxBounces());
		}
		long start = nanoClock.getAsLong();
		long limit = settings.timeLimit().toNanos();
		RenderResult.Stop stop = RenderResult.Stop.SAMPLES;
		Progress progress = new Progress(0, settings.spp(), 0, 0, 0);
		ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("atelier-trace-", 0).factory());
		try {
			while (film.samples() < settings.spp()) {
				if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
					stop = RenderResult.Stop.CANCELLED;
					break;
				}
				pass(pool, tracers, film, settings.seed(), film.samples(), 0, height);
				film.completePass();
				long primary = 0;
				long total = 0;
				for (PathTracer tracer : tracers) {
					primary += tracer.primaryRays;
					total += tracer.totalRays;
				}
				long elapsed = nanoClock.getAsLong() - start;
				progress = new Progress(film.samples(), settings.spp(), elapsed, primary, total);
				listener.passCompleted(progress, film);
				if (limit > 0 && elapsed >= limit && film.samples() < settings.spp()) {
					stop = RenderResult.Stop.TIME_LIMIT;
					break;
				}
			}
		} finally {
			pool.shutdownNow();
		}
		return RenderResult.of(film, settings, progress, stop);
	}

	/**
	 * Sample {@code sampleIndex} of every pixel of rows [top, bottom). Waits for the whole pass even when interrupted
	 * (a half pass would leave pixels with different sample counts); the interrupt is kept and cancels before the
	 * next pass.
	 */
	static void pass(ExecutorService pool, PathTracer[] tracers, Film film, long seed, int sampleIndex, int top, int bottom) {
		int width = film.width();
		AtomicInteger nextRow = new AtomicInteger(top);
		List<Future<?>> workers = new ArrayList<>(tracers.length);
		for (PathTracer tracer : tracers) {
			workers.add(pool.submit(() -> {
				for (int y = nextRow.getAndIncrement(); y < bottom; y = nextRow.getAndIncrement()) {
					for (int x = 0; x < width; x++) {
						tracer.sample(x, y, width, sampleIndex, seed);
						film.add(y * width + x, tracer);
					}
				}
			}));
		}
		boolean interrupted = false;
		for (Future<?> worker : workers) {
			while (true) {
				try {
					worker.get();
					break;
				} catch (InterruptedException e) {
					interrupted = true;
				} catch (ExecutionException e) {
					throw new IllegalStateException("a render thread failed", e.getCause());
				}
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}
}
