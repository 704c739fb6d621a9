package dev.atelier.viewport.ui.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.swt.SWT;
import org.eclipse.swt.SWTException;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Spinner;

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
import dev.atelier.viewport.internal.trace.Progress;
import dev.atelier.viewport.internal.trace.RenderBackend;
import dev.atelier.viewport.internal.trace.Settings;
import dev.atelier.viewport.ui.internal.gl.GlException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * The Viewport: a scene in OpenGL, shaded physically (glTF metallic-roughness, punctual lights, image-based lighting)
 * and moved with the mouse (a click selects a mesh, which Frame then fits into view), or path-traced progressively in
 * place; Render writes a path-traced PNG as a job. Scenes come from the built-in list or a glTF file ("Open…"); what
 * goes wrong (a file that does not load, no OpenGL, a failed render) is said in the view, which carries on with what
 * it had.
 */
public final class ViewportPart {

	/** A path-traced preview restarts this long after the camera stops. */
	static final int RESTART_DELAY_MS = 250;
	/** Previews are traced at most this wide (and scaled up), to keep passes short. */
	static final int PREVIEW_MAX_WIDTH = 640;

	private final JobService jobs;
	private volatile Outputs outputs;
	private volatile DeviceService devices;
	private final PathTraces traces = new PathTraces();

	Composite root;
	Display display;
	Button open;
	Combo scenes;
	Button frame;
	Button wireframe;
	Button skyLight;
	/** The selected mesh's name and triangle count, or nothing. */
	Label selection;
	/** Frame time, with the GL version in its tooltip. */
	Label frameTime;
	Spinner spp;
	Spinner bounces;
	Button cpu;
	Button cuda;
	Button denoise;
	/** Toggles the progressive path-traced preview. */
	Button pathTrace;
	Button render;
	Button cancel;
	ProgressBar progress;
	/** Samples done and rays per second of the trace shown. */
	Label traceStatus;
	/** What happened last: loaded, written, or (in red) what went wrong. */
	Label status;
	ViewportCanvas viewport;
	/** The scene as loaded, before the sky is added. */
	Scene scene;
	/** The file the scene came from, or null for a built-in one. */
	Path file;
	/** The running render, or null. */
	JobHandle<PathTraces.Rendered> rendering;
	/** The running preview, or null. */
	CompletableFuture<?> previewing;
	/** The file the last render wrote. */
	Path lastRender;
	private final List<CompletableFuture<Scene>> loading = new ArrayList<>();
	/** The newest pass waiting for the UI thread; one runnable at a time carries them over. */
	private final AtomicReference<Pass> pendingPass = new AtomicReference<>();
	/** Counts view changes, so that only the last one's delayed restart runs. */
	private int viewGeneration;

	/** A pass of the trace with {@code id}, to show unless that trace was superseded. */
	private record Pass(long id, Progress progress, dev.atelier.viewport.internal.trace.Image mean) {
	}

	/** Which trace the view shows, and which one is the running render: passes of others are dropped. */
	private long shownTrace;
	private long renderTrace;
	private long traceIds;

	@Inject
	public ViewportPart(@Service JobService jobs) {
		this.jobs = jobs;
	}

	/** Where renders go: the workspace's outputs; without the service, those of the workspace the environment names. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void outputs(@Service Outputs service) {
		outputs = service;
	}

	/** Whether CUDA could be offered; called again, possibly off the UI thread, when the service comes or goes. */
	@Inject
	@org.eclipse.e4.core.di.annotations.Optional
	void devices(@Service DeviceService service) {
		devices = service;
		if (display != null) {
			ui(() -> {
				if (!cuda.isDisposed()) {
					offerBackends();
				}
			}, () -> {
			});
		}
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		display = parent.getDisplay();
		parent.setLayout(new GridLayout(1, false));
		createSceneBar(parent);
		createTraceBar(parent);
		try {
			viewport = new ViewportCanvas(parent);
			viewport.control().setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			viewport.onFrame(this::showFrameTime);
			viewport.onViewChanged(this::viewChanged);
			viewport.onSelectionChanged(this::showSelection);
			frameTime.setToolTipText("OpenGL " + viewport.glDescription());
			viewport.control().setToolTipText("A click selects, left-drag orbits, middle- or shift-drag pans, the wheel zooms, F frames the selection");
		} catch (GlException e) {
			viewport = null;
			Label none = new Label(parent, SWT.WRAP | SWT.CENTER);
			none.setText("No OpenGL 3.3 viewport: " + e.getMessage());
			none.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			for (Control c : new Control[] { open, scenes, frame, wireframe, skyLight, pathTrace, render }) {
				c.setEnabled(false);
			}
		}
		status = new Label(parent, SWT.WRAP);
		// two lines, always: a message that wraps must not resize the viewport (which would drop the image it shows)
		GridData statusData = new GridData(SWT.FILL, SWT.TOP, true, false);
		org.eclipse.swt.graphics.GC gc = new org.eclipse.swt.graphics.GC(status);
		try {
			statusData.heightHint = 2 * gc.getFontMetrics().getHeight();
		} finally {
			gc.dispose();
		}
		statusData.widthHint = 300;
		status.setLayoutData(statusData);
		offerBackends();
		if (viewport != null) {
			scenes.select(0);
			showBuiltIn(scenes.getText());
		} else {
			status(true, "The viewport needs OpenGL 3.3.");
		}
	}

	private void createSceneBar(Composite parent) {
		Composite bar = row(parent, 7);
		open = button(bar, "Open…", SWT.PUSH, this::browse);
		open.setToolTipText("Open a glTF 2.0 scene (.gltf or .glb)");
		scenes = new Combo(bar, SWT.READ_ONLY);
		scenes.setItems(BuiltinScenes.labels().toArray(String[]::new));
		scenes.setToolTipText("Built-in scenes");
		scenes.addListener(SWT.Selection, e -> showBuiltIn(scenes.getText()));
		frame = button(bar, "Frame", SWT.PUSH, this::frameSelection);
		frame.setToolTipText("Frame selection (F); the whole scene when nothing is selected");
		wireframe = button(bar, "Wireframe", SWT.CHECK, () -> {
			if (viewport != null) {
				viewport.setWireframe(wireframe.getSelection());
			}
		});
		skyLight = button(bar, "Sky light", SWT.CHECK, this::relight);
		skyLight.setToolTipText("Light a scene that has no environment with a daylight sky (on by itself for scenes with no light at all)");
		selection = new Label(bar, SWT.NONE);
		selection.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		frameTime = new Label(bar, SWT.NONE);
		frameTime.setLayoutData(new GridData(SWT.END, SWT.CENTER, true, false));
		frameTime.setText(FrameTimes.label(Double.NaN));
	}

	private void createTraceBar(Composite parent) {
		Composite bar = row(parent, 12);
		new Label(bar, SWT.NONE).setText("Samples");
		spp = new Spinner(bar, SWT.BORDER);
		spp.setValues(64, 1, 1 << 16, 0, 1, 16);
		spp.setToolTipText("Samples per pixel");
		new Label(bar, SWT.NONE).setText("Bounces");
		bounces = new Spinner(bar, SWT.BORDER);
		bounces.setValues(8, 0, 64, 0, 1, 4);
		bounces.setToolTipText("Scattering events per path: 1 is direct lighting only");
		cpu = button(bar, "CPU", SWT.RADIO, this::settingsChanged);
		cpu.setSelection(true);
		cuda = button(bar, "CUDA", SWT.RADIO, this::settingsChanged);
		denoise = button(bar, "Denoise", SWT.CHECK, () -> {
		});
		denoise.setToolTipText("Render writes the edge-aware denoised image");
		pathTrace = button(bar, "Path trace", SWT.TOGGLE, this::pathTraceToggled);
		pathTrace.setToolTipText("Show the scene path-traced, refining pass after pass; moving the camera starts again");
		render = button(bar, "Render", SWT.PUSH, this::render);
		render.setToolTipText("Path-trace the view at its size into a PNG under the workspace's outputs/render, as a job");
		cancel = button(bar, "Cancel", SWT.PUSH, this::cancelRender);
		cancel.setEnabled(false);
		progress = new ProgressBar(bar, SWT.HORIZONTAL | SWT.SMOOTH);
		progress.setLayoutData(new GridData(80, SWT.DEFAULT));
		traceStatus = new Label(bar, SWT.NONE);
		traceStatus.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		for (Spinner s : new Spinner[] { spp, bounces }) {
			s.addListener(SWT.Modify, e -> settingsChanged());
		}
	}

	private static Composite row(Composite parent, int columns) {
		Composite bar = new Composite(parent, SWT.NONE);
		GridLayout layout = new GridLayout(columns, false);
		layout.marginWidth = 0;
		layout.marginHeight = 0;
		bar.setLayout(layout);
		bar.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		return bar;
	}

	private static Button button(Composite parent, String text, int style, Runnable action) {
		Button b = new Button(parent, style);
		b.setText(text);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	/** CUDA is offered when the device service has a CUDA device that runs the path tracer; the tooltip says why not. */
	private void offerBackends() {
		String why;
		DeviceService d = devices;
		if (d == null) {
			why = "no device service";
		} else {
			try {
				RenderBackend gpu = RenderBackend.named("cuda", d);
				why = null;
				cuda.setToolTipText("Trace on " + gpu.device());
			} catch (IllegalStateException | IllegalArgumentException e) {
				why = e.getMessage();
			}
		}
		cuda.setEnabled(why == null);
		if (why != null) {
			cuda.setToolTipText("Not available: " + why);
			if (cuda.getSelection()) {
				cuda.setSelection(false);
				cpu.setSelection(true);
			}
		}
	}

	/**
	 * The backend chosen: the CPU, or the first CUDA device that runs the path tracer.
	 *
	 * @throws IllegalStateException when CUDA is chosen and no device can run it (any more)
	 */
	RenderBackend backend() {
		DeviceService d = devices;
		if (!cuda.getSelection() || d == null) {
			return RenderBackend.cpu();
		}
		return RenderBackend.named("cuda", d);
	}

	Settings settings() {
		return Settings.defaults().withSpp(spp.getSelection()).withMaxBounces(bounces.getSelection()).withDenoise(denoise.getSelection());
	}

	void showFrameTime() {
		if (!frameTime.isDisposed()) {
			frameTime.setText(viewport.frameTimes().label());
			frameTime.getParent().layout(new Control[] { frameTime });
		}
	}

	void showBuiltIn(String name) {
		Scene s = BuiltinScenes.labelled(name);
		skyLight.setSelection(ViewportScenes.unlit(s));
		show(s, null, List.of());
	}

	private void browse() {
		FileDialog dialog = new FileDialog(root.getShell(), SWT.OPEN);
		dialog.setFilterExtensions(new String[] { "*.gltf;*.glb", "*" });
		dialog.setFilterNames(new String[] { "glTF 2.0 (*.gltf, *.glb)", "All files" });
		String chosen = dialog.open();
		if (chosen != null) {
			open(Path.of(chosen));
		}
	}

	/**
	 * Loads a glTF file off the UI thread and shows it; a file that does not load is reported in the view and the
	 * current scene stays. The future completes, on the UI thread, once the view shows the outcome.
	 */
	public CompletableFuture<Scene> open(Path gltf) {
		status(false, "Loading " + gltf.getFileName() + "…");
		List<String> notes = new ArrayList<>();
		CompletableFuture<Scene> load = CompletableFuture.supplyAsync(() -> {
			try {
				return GltfLoader.load(gltf, note -> {
					synchronized (notes) {
						notes.add(note);
					}
				});
			} catch (IOException e) {
				throw new CompletionException(e);
			}
		});
		CompletableFuture<Scene> shown = new CompletableFuture<>();
		loading.add(shown);
		load.whenComplete((s, failure) -> ui(() -> {
			loading.remove(shown);
			if (failure != null) {
				Throwable cause = cause(failure);
				status(true, "Cannot open " + gltf.getFileName() + ": " + message(cause));
				shown.completeExceptionally(cause);
				return;
			}
			List<String> kept;
			synchronized (notes) {
				kept = List.copyOf(notes);
			}
			skyLight.setSelection(ViewportScenes.unlit(s));
			if (show(s, gltf, kept)) {
				shown.complete(s);
			} else {
				shown.completeExceptionally(new GlException(status.getText()));
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
		if (viewport == null) {
			return false;
		}
		try {
			viewport.setScene(ViewportScenes.lit(s, skyLight.getSelection()));
		} catch (GlException e) {
			status(true, "Cannot show " + s.name() + ": " + e.getMessage());
			return false;
		}
		scene = s;
		file = from;
		if (!s.cameras().isEmpty() && !s.meshes().isEmpty()) {
			OrbitCamera c = new OrbitCamera();
			c.lookFrom(s.cameras().get(0), s.bounds());
			viewport.setCamera(c);
		} else {
			viewport.setCamera(OrbitCamera.overview());
			viewport.frame();
		}
		long emitters = s.meshes().stream().filter(m -> s.materials().get(m.material()).emits()).count();
		String what = String.format(Locale.ROOT, "%s: %d meshes, %,d triangles, %d materials, %d lights%s%s.", from == null ? s.name() : from.getFileName(),
				s.meshes().size(), s.triangleCount(), s.materials().size(), s.lights().size(),
				emitters == 0 ? "" : ", " + emitters + " emissive mesh" + (emitters == 1 ? "" : "es") + " lighting it", lighting(s));
		status(false, notes.isEmpty() ? what : what + " Left out: " + String.join("; ", notes));
		return true;
	}

	private String lighting(Scene s) {
		if (!EnvironmentRadiance.isBlack(s.environment())) {
			return ", its own environment";
		}
		return skyLight.getSelection() ? ", lit by the sky" : "";
	}

	/** The scene as shown: with the sky when it has no environment and Sky light is on. */
	Scene litScene() {
		return ViewportScenes.lit(scene, skyLight.getSelection());
	}

	/** The sky light was switched: the scene is uploaded again with or without it. */
	private void relight() {
		if (viewport != null && scene != null) {
			try {
				viewport.setScene(litScene());
				status(false, "Sky light " + (skyLight.getSelection() ? "on" : "off") + " for " + scene.name() + ".");
			} catch (GlException e) {
				status(true, "Cannot relight " + scene.name() + ": " + e.getMessage());
			}
			viewChanged();
		}
	}

	void frameSelection() {
		if (viewport != null) {
			viewport.frame();
		}
	}

	/** Names the selected mesh (and its size) beside the scene's buttons. */
	private void showSelection() {
		if (selection.isDisposed()) {
			return;
		}
		var m = viewport.selectedMesh();
		selection.setText(m == null ? "" : String.format(Locale.ROOT, "Selected: %s, %,d triangles", m.name(), m.triangleCount()));
		selection.getParent().layout(new Control[] { selection });
	}

	/**
	 * The camera moved, the viewport was resized, or the scene changed: a trace shown is out of date. The raster view
	 * shows again; a preview restarts once the camera rests; a render goes on with the view it started from, out of
	 * sight (its progress still shows).
	 */
	private void viewChanged() {
		int generation = ++viewGeneration;
		if (previewing != null) {
			stopPreview();
		}
		shownTrace = 0;
		if (viewport.showsImage()) {
			viewport.showImage(null, 0, 0);
		}
		if (pathTrace.getSelection() && rendering == null) {
			display.timerExec(RESTART_DELAY_MS, () -> {
				if (generation == viewGeneration && !root.isDisposed() && pathTrace.getSelection() && rendering == null) {
					startPreview();
				}
			});
		}
	}

	private void settingsChanged() {
		if (pathTrace.getSelection() && rendering == null) {
			viewChanged();
		}
	}

	private void pathTraceToggled() {
		if (pathTrace.getSelection()) {
			startPreview();
		} else {
			stopPreview();
			viewport.showImage(null, 0, 0);
			traceStatus.setText("");
		}
	}

	/** The request for the view as it is: the shown scene from the current camera, at the given size. */
	PathTraces.Request request(int width, int height) {
		Camera camera = viewport.camera().toCamera("view", width / (float) height);
		return new PathTraces.Request(litScene(), camera, width, height, settings(), backend());
	}

	/** Starts a progressive preview of the view, scaled down to {@value #PREVIEW_MAX_WIDTH} wide at most. */
	void startPreview() {
		if (viewport == null || scene == null) {
			return;
		}
		int w = viewport.pixelWidth();
		int h = viewport.pixelHeight();
		int divisor = (w + PREVIEW_MAX_WIDTH - 1) / PREVIEW_MAX_WIDTH;
		PathTraces.Request request;
		try {
			PathTraces.Request full = request(Math.max(1, w / divisor), Math.max(1, h / divisor));
			// the preview shows the passes' means: denoising its last one would only cost time
			request = new PathTraces.Request(full.scene(), full.camera(), full.width(), full.height(), full.settings().withDenoise(false), full.backend());
		} catch (IllegalStateException e) {
			status(true, "Cannot path-trace: " + e.getMessage());
			return;
		}
		long id = ++traceIds;
		shownTrace = id;
		CompletableFuture<?> preview = traces.preview(request, (p, mean) -> passed(id, p, mean));
		previewing = preview;
		preview.whenComplete((r, failure) -> ui(() -> {
			if (previewing == preview) {
				previewing = null;
			}
			Throwable cause = failure == null ? null : cause(failure);
			if (cause != null && !(cause instanceof java.util.concurrent.CancellationException)) {
				status(true, "Path tracing failed: " + message(cause));
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
	private void passed(long id, Progress p, dev.atelier.viewport.internal.trace.Image mean) {
		if (pendingPass.getAndSet(new Pass(id, p, mean)) == null) {
			ui(this::showPass, () -> {
			});
		}
	}

	private void showPass() {
		Pass pass = pendingPass.getAndSet(null);
		if (pass == null || viewport == null || pass.id() != shownTrace && pass.id() != renderTrace) {
			return;
		}
		if (pass.id() == shownTrace) {
			viewport.showImage(pass.mean().rgb(), pass.mean().width(), pass.mean().height());
		}
		progress.setMaximum(pass.progress().targetSamples());
		progress.setSelection(pass.progress().samples());
		traceStatus.setText(PathTraces.progressText(pass.progress()));
		traceStatus.getParent().layout(new Control[] { traceStatus });
	}

	/** Where renders are written. */
	Path renderFolder() {
		return outputs().folder(Outputs.RENDER);
	}

	private Outputs outputs() {
		Outputs o = outputs;
		return o != null ? o : Outputs.ofWorkspace(AtelierPaths.resolve(List.of(), System.getenv(), Path.of(System.getProperty("user.home"))).workspaceRoot());
	}

	/** Submits a render of the view at its size; its passes show in the view. Returns the job, or null. */
	JobHandle<PathTraces.Rendered> render() {
		if (viewport == null || scene == null || rendering != null) {
			return null;
		}
		stopPreview();
		PathTraces.Request request;
		try {
			request = request(viewport.pixelWidth(), viewport.pixelHeight());
		} catch (IllegalStateException e) {
			status(true, "Cannot render: " + e.getMessage());
			return null;
		}
		long id = ++traceIds;
		shownTrace = id;
		renderTrace = id;
		String label = file != null ? file.toString() : "builtin:" + scene.name();
		JobHandle<PathTraces.Rendered> job = traces.render(jobs, request, label, outputs(), renderFolder(), viewport.exposure(), (p, mean) -> passed(id, p, mean));
		rendering = job;
		render.setEnabled(false);
		pathTrace.setEnabled(false);
		cancel.setEnabled(true);
		status(false, String.format(Locale.ROOT, "Rendering %dx%d, %d spp, %d bounces on %s…", request.width(), request.height(), request.settings().spp(),
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
		render.setEnabled(true);
		pathTrace.setEnabled(true);
		cancel.setEnabled(false);
		Throwable cause = failure == null ? null : cause(failure);
		if (cause instanceof JobCancelledException) {
			status(false, "Render cancelled; nothing written.");
			viewChanged();
		} else if (cause != null) {
			status(true, "Render failed: " + message(cause));
			viewChanged();
		} else {
			lastRender = r.file();
			if (inSight) {
				var shown = r.result().denoised() != null ? r.result().denoised() : r.result().color();
				pendingPass.set(null);
				viewport.showImage(shown.rgb(), shown.width(), shown.height());
			}
			Progress p = r.result().progress();
			status(false, String.format(Locale.ROOT, "Wrote %s: %d spp in %.1f s, %.2f Mrays/s%s.", r.file(), p.samples(), p.elapsedNanos() / 1e9,
					p.mraysPerSecond(), r.result().denoised() != null ? ", denoised" : ""));
			traceStatus.setText(PathTraces.progressText(p));
		}
	}

	/** Whether there is a view to frame: Frame (the button, the command and F). */
	boolean canFrame() {
		return viewport != null && scene != null;
	}

	/** Whether a render can start: a scene shows and none is rendering (the button, the command). */
	boolean canRender() {
		return canFrame() && rendering == null;
	}

	/** Whether a render runs: Cancel (the button, Stop and Esc). */
	boolean isRendering() {
		return rendering != null;
	}

	void cancelRender() {
		if (rendering != null) {
			rendering.cancel();
			status(false, "Cancelling the render…");
		}
	}

	void status(boolean failure, String text) {
		if (status == null || status.isDisposed()) {
			return;
		}
		status.setForeground(failure ? display.getSystemColor(SWT.COLOR_DARK_RED) : null);
		status.setText(text);
	}

	/** Runs on the UI thread unless the view or the display is gone ({@code gone} then). */
	private void ui(Runnable action, Runnable gone) {
		if (display.isDisposed()) {
			gone.run();
			return;
		}
		try {
			display.asyncExec(() -> {
				if (root != null && !root.isDisposed()) {
					action.run();
				} else {
					gone.run();
				}
			});
		} catch (SWTException e) {
			gone.run();
		}
	}

	@PreDestroy
	public void close() {
		loading.forEach(f -> f.cancel(false));
		loading.clear();
		if (rendering != null) {
			rendering.cancel();
		}
		traces.close();
	}
}
