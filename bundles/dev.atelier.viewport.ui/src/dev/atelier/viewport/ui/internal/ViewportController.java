package dev.atelier.viewport.ui.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.SWTException;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.jobs.JobCancelledException;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.DeviceService;
import dev.atelier.viewport.internal.gltf.GltfLoader;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.internal.trace.Image;
import dev.atelier.viewport.internal.trace.Progress;
import dev.atelier.viewport.internal.trace.RenderResult;
import dev.atelier.viewport.ui.internal.gl.GlException;

/**
 * What the Viewport does, apart from drawing its widgets: shows scenes (built in, or a glTF file loaded as a job),
 * lights them, path-traces the view in place (a preview that starts again once the camera rests) and renders it into
 * a PNG as a job. Work runs off the UI thread; what it comes to reaches the {@link ViewportForm} through
 * {@link UISynchronize}, and what goes wrong is said in the form's status line.
 */
final class ViewportController implements ViewportForm.Actions {

	/** A path-traced preview restarts this long after the camera stops. */
	static final int RESTART_DELAY_MS = 250;
	/** Previews are traced at most this wide (and scaled up), to keep passes short. */
	static final int PREVIEW_MAX_WIDTH = 640;

	private final JobService jobs;
	private final UISynchronize sync;
	/** The outputs service, or null without one. */
	private final Supplier<Outputs> outputs;
	/** The device service, or null without one. */
	private final Supplier<DeviceService> devices;
	private final PathTraces traces = new PathTraces();
	private ViewportForm form;
	/** The scene as loaded, before the sky is added. */
	Scene scene;
	/** The file the scene came from, or null for a built-in one. */
	Path file;
	/** The running render, or null. */
	JobHandle<PathTraces.Rendered> rendering;
	/** The running preview, or null. */
	CompletableFuture<?> previewing;
	/** glTF files being loaded, each with the future that completes once the view shows it. */
	private final Map<JobHandle<Scene>, CompletableFuture<Scene>> loading = new LinkedHashMap<>();
	/** The newest pass waiting for the UI thread; one runnable at a time carries them over. */
	private final AtomicReference<Pass> pendingPass = new AtomicReference<>();
	/** Counts view changes, so that only the last one's delayed restart runs. */
	private int viewGeneration;

	/** A pass of the trace with {@code id}, to show unless that trace was superseded. */
	private record Pass(long id, Progress progress, Image mean) {
	}

	/** Which trace the view shows, and which one is the running render: passes of others are dropped. */
	private long shownTrace;
	private long renderTrace;
	private long traceIds;

	ViewportController(JobService jobs, UISynchronize sync, Supplier<Outputs> outputs, Supplier<DeviceService> devices) {
		this.jobs = jobs;
		this.sync = sync;
		this.outputs = outputs;
		this.devices = devices;
	}

	/** Takes the form its buttons call, offers the backends there and shows the first built-in scene. */
	void attach(ViewportForm view) {
		form = view;
		form.offerBackends(devices.get());
		if (form.viewport != null) {
			showBuiltIn(form.scenes.getText());
		}
	}

	/** The device service came or went, possibly off the UI thread: CUDA is offered again or not. */
	void devicesChanged() {
		ui(() -> form.offerBackends(devices.get()), () -> {
		});
	}

	@Override
	public void showBuiltIn(String label) {
		Scene s = BuiltinScenes.labelled(label);
		form.skyLight(ViewportScenes.unlit(s));
		if (show(s, null, List.of())) {
			form.showScene(label, null);
		}
	}

	/**
	 * Loads a glTF file as a job and shows it; a file that does not load is reported in the view and the current
	 * scene stays. The future completes, on the UI thread, once the view shows the outcome.
	 */
	@Override
	public CompletableFuture<Scene> open(Path gltf) {
		form.status(false, "Loading " + gltf.getFileName() + "…");
		List<String> notes = new CopyOnWriteArrayList<>();
		JobHandle<Scene> load = jobs.submit("Viewport: open " + gltf.getFileName(), context -> GltfLoader.load(gltf, notes::add));
		CompletableFuture<Scene> shown = new CompletableFuture<>();
		loading.put(load, shown);
		load.result().whenComplete((s, failure) -> ui(() -> {
			loading.remove(load);
			if (failure != null) {
				Throwable cause = cause(failure);
				form.status(true, "Cannot open " + gltf.getFileName() + ": " + message(cause));
				shown.completeExceptionally(cause);
				return;
			}
			form.skyLight(ViewportScenes.unlit(s));
			if (show(s, gltf, List.copyOf(notes))) {
				form.showScene(null, gltf);
				shown.complete(s);
			} else {
				shown.completeExceptionally(new GlException(form.status.getText()));
			}
		}, () -> shown.cancel(false)));
		return shown;
	}

	static Throwable cause(Throwable failure) {
		return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
	}

	static String message(Throwable t) {
		return t.getMessage() == null ? t.toString() : t.getMessage();
	}

	/** Puts a scene into the viewport and frames it; false (and the reason in red) when GL could not take it. */
	boolean show(Scene s, Path from, List<String> notes) {
		ViewportCanvas viewport = form.viewport;
		if (viewport == null) {
			return false;
		}
		try {
			viewport.setScene(ViewportScenes.lit(s, form.skyLight()));
		} catch (GlException e) {
			form.status(true, "Cannot show " + s.name() + ": " + e.getMessage());
			return false;
		}
		scene = s;
		file = from;
		viewport.setCamera(ViewportScenes.home(s, from != null, viewport.aspect()));
		long emitters = s.meshes().stream().filter(m -> s.materials().get(m.material()).emits()).count();
		String what = String.format(Locale.ROOT, "%s: %d meshes, %,d triangles, %d materials, %d lights%s%s.", from == null ? s.name() : from.getFileName(),
				s.meshes().size(), s.triangleCount(), s.materials().size(), s.lights().size(),
				emitters == 0 ? "" : ", " + emitters + " emissive mesh" + (emitters == 1 ? "" : "es") + " lighting it", lighting(s));
		form.status(false, notes.isEmpty() ? what : what + " Left out: " + String.join("; ", notes));
		return true;
	}

	private String lighting(Scene s) {
		if (!EnvironmentRadiance.isBlack(s.environment())) {
			return ", its own environment";
		}
		return form.skyLight() ? ", lit by the sky" : "";
	}

	/** The scene as shown: with the sky when it has no environment and Sky light is on. */
	Scene litScene() {
		return ViewportScenes.lit(scene, form.skyLight());
	}

	/** The sky light was switched: the scene is uploaded again with or without it. */
	@Override
	public void relight() {
		if (form.viewport != null && scene != null) {
			try {
				form.viewport.setScene(litScene());
				form.status(false, "Sky light " + (form.skyLight() ? "on" : "off") + " for " + scene.name() + ".");
			} catch (GlException e) {
				form.status(true, "Cannot relight " + scene.name() + ": " + e.getMessage());
			}
			viewChanged();
		}
	}

	/**
	 * The camera moved, the viewport was resized, or the scene changed: a trace shown is out of date. The raster view
	 * shows again; a preview restarts once the camera rests; a render goes on with the view it started from, out of
	 * sight (its progress still shows).
	 */
	@Override
	public void viewChanged() {
		int generation = ++viewGeneration;
		if (previewing != null) {
			stopPreview();
		}
		shownTrace = 0;
		if (form.viewport.showsImage()) {
			form.viewport.showImage(null, 0, 0);
		}
		if (form.pathTracing() && rendering == null) {
			form.later(RESTART_DELAY_MS, () -> {
				if (generation == viewGeneration && form.pathTracing() && rendering == null) {
					startPreview();
				}
			});
		}
	}

	@Override
	public void settingsChanged() {
		if (form.pathTracing() && rendering == null) {
			viewChanged();
		}
	}

	@Override
	public void pathTraceToggled() {
		if (form.pathTracing()) {
			startPreview();
		} else {
			stopPreview();
			form.viewport.showImage(null, 0, 0);
			form.showTraceStatus("");
		}
	}

	/**
	 * The request for the view as it is: the shown scene from the current camera, at the given size.
	 *
	 * @throws IllegalStateException when CUDA is chosen and no device can run it (any more)
	 */
	PathTraces.Request request(int width, int height) {
		Camera camera = form.viewport.camera().toCamera("view", width / (float) height);
		return new PathTraces.Request(litScene(), camera, width, height, form.settings(), form.backend(devices.get()));
	}

	/** Starts a progressive preview of the view, scaled down to {@value #PREVIEW_MAX_WIDTH} wide at most. */
	void startPreview() {
		if (form.viewport == null || scene == null) {
			return;
		}
		int w = form.viewport.pixelWidth();
		int h = form.viewport.pixelHeight();
		int divisor = (w + PREVIEW_MAX_WIDTH - 1) / PREVIEW_MAX_WIDTH;
		PathTraces.Request request;
		try {
			request = request(Math.max(1, w / divisor), Math.max(1, h / divisor));
		} catch (IllegalStateException e) {
			form.status(true, "Cannot path-trace: " + e.getMessage());
			return;
		}
		long id = ++traceIds;
		shownTrace = id;
		CompletableFuture<RenderResult> preview = traces.preview(request, (p, mean) -> passed(id, p, mean));
		previewing = preview;
		preview.whenComplete((r, failure) -> ui(() -> {
			if (previewing == preview) {
				previewing = null;
			}
			// with Denoise on, the finished trace is shown denoised (the passes before it show their means)
			if (r != null && r.denoised() != null && id == shownTrace && form.viewport != null) {
				pendingPass.set(null);
				form.viewport.showImage(r.denoised().rgb(), r.denoised().width(), r.denoised().height());
				form.showTraceStatus(PathTraces.progressText(r.progress()) + " · denoised");
			}
			Throwable cause = failure == null ? null : cause(failure);
			if (cause != null && !(cause instanceof CancellationException)) {
				form.status(true, "Path tracing failed: " + message(cause));
			}
		}, () -> {
		}));
	}

	private void stopPreview() {
		traces.stopPreview();
		previewing = null;
		shownTrace = 0;
	}

	/** A pass finished on a tracing thread: the newest one goes to the UI thread, one hand-over at a time. */
	private void passed(long id, Progress p, Image mean) {
		if (pendingPass.getAndSet(new Pass(id, p, mean)) == null) {
			ui(this::showPass, () -> {
			});
		}
	}

	private void showPass() {
		Pass pass = pendingPass.getAndSet(null);
		if (pass == null || form.viewport == null || pass.id() != shownTrace && pass.id() != renderTrace) {
			return;
		}
		if (pass.id() == shownTrace) {
			form.viewport.showImage(pass.mean().rgb(), pass.mean().width(), pass.mean().height());
		}
		form.showProgress(pass.progress());
	}

	/** Where renders are written. */
	Path renderFolder() {
		return outputs().folder(Outputs.RENDER);
	}

	/** The outputs service; without it, the outputs of the workspace the environment names. */
	private Outputs outputs() {
		Outputs o = outputs.get();
		return o != null ? o : Outputs.ofWorkspace(AtelierPaths.resolve(List.of(), System.getenv(), Path.of(System.getProperty("user.home"))).workspaceRoot());
	}

	/** Submits a render of the view at the resolution the form gives; its passes show in the view. Returns the job, or null. */
	@Override
	public JobHandle<PathTraces.Rendered> render() {
		if (!canRender()) {
			return null;
		}
		RenderSize size;
		try {
			size = RenderSize.parse(form.resolution.getText());
		} catch (IllegalArgumentException e) {
			form.status(true, "Cannot render: " + e.getMessage());
			return null;
		}
		stopPreview();
		PathTraces.Request request;
		try {
			request = request(size.width(), size.height());
		} catch (IllegalStateException e) {
			form.status(true, "Cannot render: " + e.getMessage());
			return null;
		}
		long id = ++traceIds;
		shownTrace = id;
		renderTrace = id;
		String label = file != null ? file.toString() : "builtin:" + scene.name();
		Outputs o = outputs();
		JobHandle<PathTraces.Rendered> job = traces.render(jobs, request, label, o, o.folder(Outputs.RENDER), form.viewport.exposure(),
				(p, mean) -> passed(id, p, mean));
		rendering = job;
		form.rendering(true);
		form.status(false, String.format(Locale.ROOT, "Rendering %dx%d, %d spp, %d bounces on %s…", request.width(), request.height(), request.settings().spp(),
				request.settings().maxBounces(), request.backend().device()));
		job.result().whenComplete((r, failure) -> ui(() -> rendered(job, r, failure), () -> {
		}));
		return job;
	}

	private void rendered(JobHandle<PathTraces.Rendered> job, PathTraces.Rendered r, Throwable failure) {
		if (rendering != job) {
			return;
		}
		rendering = null;
		boolean inSight = renderTrace == shownTrace;
		renderTrace = 0;
		form.rendering(false);
		Throwable cause = failure == null ? null : cause(failure);
		if (cause instanceof JobCancelledException) {
			form.status(false, "Render cancelled; nothing written.");
			viewChanged();
		} else if (cause != null) {
			form.status(true, "Render failed: " + message(cause));
			viewChanged();
		} else {
			if (inSight) {
				Image shown = r.result().denoised() != null ? r.result().denoised() : r.result().color();
				pendingPass.set(null);
				form.viewport.showImage(shown.rgb(), shown.width(), shown.height());
			}
			Progress p = r.result().progress();
			form.status(false, String.format(Locale.ROOT, "Wrote %s: %d spp in %.1f s, %.2f Mrays/s%s.", r.file(), p.samples(), p.elapsedNanos() / 1e9,
					p.mraysPerSecond(), r.result().denoised() != null ? ", denoised" : ""));
			form.showTraceStatus(PathTraces.progressText(p));
		}
	}

	/** Whether there is a view to frame: Frame (the button, the command and F). */
	boolean canFrame() {
		return form != null && form.viewport != null && scene != null;
	}

	/** Reset View (the button, the command): the camera goes back to where the scene was first shown from. */
	@Override
	public void resetView() {
		if (canFrame()) {
			form.viewport.setCamera(ViewportScenes.home(scene, file != null, form.viewport.aspect()));
		}
	}

	/** Whether a render can start: a scene shows and none is rendering (the button, the command). */
	boolean canRender() {
		return canFrame() && rendering == null;
	}

	/** Whether a render runs: Cancel (the button, Stop and Esc). */
	boolean isRendering() {
		return rendering != null;
	}

	@Override
	public void cancelRender() {
		if (rendering != null) {
			rendering.cancel();
			form.status(false, "Cancelling the render…");
		}
	}

	/** Runs on the UI thread unless the view or the display is gone ({@code gone} then). */
	private void ui(Runnable action, Runnable gone) {
		if (form.disposed()) {
			gone.run();
			return;
		}
		try {
			sync.asyncExec(() -> {
				if (!form.disposed()) {
					action.run();
				} else {
					gone.run();
				}
			});
		} catch (SWTException e) {
			gone.run();
		}
	}

	/** Cancels the loads and the render, and stops the preview and its thread. */
	void close() {
		loading.forEach((load, shown) -> {
			load.cancel();
			shown.cancel(false);
		});
		loading.clear();
		if (rendering != null) {
			rendering.cancel();
		}
		traces.close();
	}
}
