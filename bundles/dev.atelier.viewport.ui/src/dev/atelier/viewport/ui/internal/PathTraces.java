package dev.atelier.viewport.ui.internal;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.FlatScene;
import dev.atelier.viewport.internal.trace.Image;
import dev.atelier.viewport.internal.trace.Progress;
import dev.atelier.viewport.internal.trace.RenderResult;
import dev.atelier.viewport.internal.trace.RenderBackend;
import dev.atelier.viewport.internal.trace.RenderJob;
import dev.atelier.viewport.internal.trace.Settings;

/**
 * The view's path tracing, free of SWT: progressive previews on a thread of the view's own (a camera move cancels
 * one and starts the next, so they are not jobs, which would leave a record each), and renders as jobs of the
 * {@link JobService} that write a PNG, atomically, and note their settings, device and file for the job's record.
 * The flattened scene (its BVH) is kept between traces of the same scene.
 */
public final class PathTraces implements AutoCloseable {

	/** What to trace: the scene as the view lights it, from where, how large, how well, on what (the CPU or a CUDA GPU). */
	public record Request(Scene scene, Camera camera, int width, int height, Settings settings, RenderBackend backend) {
	}

	/** Hears of every finished pass, on the tracing thread, with the mean so far. */
	@FunctionalInterface
	public interface PassListener {
		void pass(Progress progress, Image mean);
	}

	/** A render written: the PNG and what the tracer said. */
	public record Rendered(Path file, RenderResult result) {
	}

	private final ExecutorService previewThread = Executors
			.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("atelier-viewport-preview").factory());
	private final AtomicReference<AtomicBoolean> previewCancel = new AtomicReference<>();
	private final AtomicReference<Object[]> flat = new AtomicReference<>();

	/** The scene flattened for the tracer, from the cache when it is the same scene as last time. */
	FlatScene flatten(Scene scene) {
		Object[] cached = flat.get();
		if (cached != null && cached[0] == scene) {
			return (FlatScene) cached[1];
		}
		FlatScene f = FlatScene.of(scene);
		flat.set(new Object[] { scene, f });
		return f;
	}

	/**
	 * Starts a progressive preview, cancelling the one before. The future completes with the result, or is
	 * cancelled when a later preview or {@link #stopPreview} stopped it.
	 */
	public CompletableFuture<RenderResult> preview(Request r, PassListener listener) {
		AtomicBoolean cancel = new AtomicBoolean();
		AtomicBoolean previous = previewCancel.getAndSet(cancel);
		if (previous != null) {
			previous.set(true);
		}
		CompletableFuture<RenderResult> done = new CompletableFuture<>();
		previewThread.execute(() -> {
			if (cancel.get()) {
				done.cancel(false);
				return;
			}
			try {
				RenderResult result = r.backend().render(flatten(r.scene()), r.camera(), r.width(), r.height(), r.settings(),
						(progress, film) -> listener.pass(progress, film.mean()), cancel::get);
				if (result.stop() == RenderResult.Stop.CANCELLED) {
					done.cancel(false);
				} else {
					done.complete(result);
				}
			} catch (RuntimeException | Error e) {
				done.completeExceptionally(e);
			}
		});
		return done;
	}

	public void stopPreview() {
		AtomicBoolean current = previewCancel.getAndSet(null);
		if (current != null) {
			current.set(true);
		}
	}

	/**
	 * Submits a render that writes a tone-mapped PNG (the denoised image when asked for) as the next numbered file of
	 * {@code folder}; a cancelled or failed render writes nothing.
	 */
	public JobHandle<Rendered> render(JobService jobs, Request r, String sceneLabel, Outputs outputs, Path folder, float exposure, PassListener listener) {
		Settings s = r.settings();
		RenderJob job = new RenderJob(sceneLabel, r.camera(), r.width(), r.height(), s, r.backend(), exposure);
		RenderJob.Target target = RenderJob.Target.numbered(outputs, folder, r.scene().name());
		return jobs.submit("render " + r.scene().name() + " " + r.width() + "x" + r.height(), ctx -> {
			Path[] written = new Path[1];
			RenderResult result = job.run(ctx, () -> flatten(r.scene()), (image, text) -> written[0] = target.write(image, text),
					(progress, film) -> listener.pass(progress, film.mean()));
			return new Rendered(written[0], result);
		});
	}

	/** Stops the preview and its thread. */
	@Override
	public void close() {
		stopPreview();
		previewThread.shutdownNow();
	}

	/** "12/64 spp · 1.3 Mrays/s". */
	static String progressText(Progress p) {
		return String.format(Locale.ROOT, "%d/%d spp · %.2f Mrays/s", p.samples(), p.targetSamples(), p.mraysPerSecond());
	}
}
