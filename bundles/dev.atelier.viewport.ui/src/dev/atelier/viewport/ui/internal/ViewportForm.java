package dev.atelier.viewport.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.eclipse.e4.ui.services.IStylingEngine;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.ProgressBar;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.device.DeviceService;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.BuiltinScenes;
import dev.atelier.viewport.internal.trace.Progress;
import dev.atelier.viewport.internal.trace.RenderBackend;
import dev.atelier.viewport.internal.trace.SplitRenderer;
import dev.atelier.viewport.internal.trace.Settings;
import dev.atelier.ui.ThemeColours;
import dev.atelier.viewport.ui.internal.gl.GlException;

/**
 * The Viewport's widgets: the scene bar (Open…, the built-in scenes, Frame, Wireframe, Sky light, the selected mesh,
 * the frame time), the trace bar (samples, bounces, CPU or CUDA, Denoise, Path trace, Render, Cancel, the trace's
 * progress), the GL canvas (or why there is none) and the status line. It shows what it is told and reads its
 * settings; what its buttons start is its {@link Actions}' business.
 */
final class ViewportForm {

	/** What the controls start; called on the UI thread. What they return is for callers other than the form. */
	interface Actions {
		/** Open… chose a glTF file; the future completes once the view shows the outcome. */
		CompletableFuture<Scene> open(Path gltf);

		void showBuiltIn(String label);

		/** Sky light was switched. */
		void relight();

		/** The camera moved or the canvas was resized. */
		void viewChanged();

		/** Samples, bounces, Denoise or the backend changed. */
		void settingsChanged();

		void pathTraceToggled();

		/** Render: the job started, or null when none could start. */
		JobHandle<PathTraces.Rendered> render();

		void cancelRender();

		/** Reset View: the camera goes back to where the scene was first shown from. */
		void resetView();
	}

	/** Lines of the status the view shows at once; the rest scrolls. */
	static final int STATUS_LINES = 3;

	private final Composite root;
	private final Actions actions;
	Button open;
	Combo scenes;
	Button frame;
	Button resetView;
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
	/** Every CUDA GPU, each render split over them. */
	Button allGpus;
	Button denoise;
	/** Toggles the progressive path-traced preview. */
	Button pathTrace;
	/** The resolution Render traces at, WIDTH×HEIGHT. */
	Text resolution;
	Button render;
	Button cancel;
	ProgressBar progress;
	/** Samples done and rays per second of the trace shown. */
	Label traceStatus;
	/** The GL view, or null when there is no OpenGL 3.3 to be had. */
	final ViewportCanvas viewport;
	/** What happened last: loaded, written, or (in red) what went wrong; whole, scrolling when it is long. */
	final Text status;
	/** The workbench's CSS styling, which colours a failure as the theme says; null outside the workbench. */
	IStylingEngine styling;
	/** The last file opened, the scene list's last entry; null before one. */
	private Path sceneFile;

	/** Makes the widgets in {@code parent}; the canvas hands work that finishes off the UI thread back through {@code ui}. */
	ViewportForm(Composite parent, Actions actions, Executor ui) {
		this.root = parent;
		this.actions = actions;
		parent.setLayout(new GridLayout(1, false));
		createSceneBar(parent);
		createTraceBar(parent);
		viewport = createCanvas(parent, ui);
		status = createStatus(parent);
		if (viewport != null) {
			scenes.select(0);
		} else {
			status(true, "The viewport needs OpenGL 3.3.");
		}
	}

	private void createSceneBar(Composite parent) {
		Composite bar = row(parent, 8);
		open = button(bar, "Open…", SWT.PUSH, this::browse);
		open.setToolTipText("Open a glTF 2.0 scene (.gltf or .glb)");
		scenes = new Combo(bar, SWT.READ_ONLY);
		scenes.setItems(BuiltinScenes.labels().toArray(String[]::new));
		scenes.setToolTipText("Built-in scenes");
		scenes.addListener(SWT.Selection, e -> {
			if (scenes.getSelectionIndex() < BuiltinScenes.labels().size()) {
				actions.showBuiltIn(scenes.getText());
			} else if (sceneFile != null) {
				actions.open(sceneFile); // the file's entry loads it again
			}
		});
		frame = button(bar, "Frame", SWT.PUSH, this::frameSelection);
		frame.setToolTipText("Frame selection (F); the whole scene when nothing is selected");
		resetView = button(bar, "Reset view", SWT.PUSH, actions::resetView);
		resetView.setToolTipText("Back to the view the scene opened with");
		wireframe = button(bar, "Wireframe", SWT.CHECK, () -> {
			if (viewport != null) {
				viewport.setWireframe(wireframe.getSelection());
			}
		});
		skyLight = button(bar, "Sky light", SWT.CHECK, actions::relight);
		skyLight.setToolTipText("Light a scene that has no environment with a daylight sky (on by itself for scenes with no light at all)");
		selection = new Label(bar, SWT.NONE);
		selection.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		frameTime = new Label(bar, SWT.NONE);
		frameTime.setLayoutData(new GridData(SWT.END, SWT.CENTER, true, false));
		frameTime.setText(FrameTimes.label(Double.NaN));
	}

	private void createTraceBar(Composite parent) {
		Composite bar = row(parent, 14);
		new Label(bar, SWT.NONE).setText("Samples");
		spp = new Spinner(bar, SWT.BORDER);
		spp.setValues(64, 1, 1 << 16, 0, 1, 16);
		spp.setToolTipText("Samples per pixel");
		new Label(bar, SWT.NONE).setText("Bounces");
		bounces = new Spinner(bar, SWT.BORDER);
		bounces.setValues(8, 0, 64, 0, 1, 4);
		bounces.setToolTipText("Scattering events per path: 1 is direct lighting only");
		cpu = button(bar, "CPU", SWT.RADIO, actions::settingsChanged);
		cpu.setSelection(true);
		cuda = button(bar, "CUDA", SWT.RADIO, actions::settingsChanged);
		allGpus = button(bar, "All GPUs", SWT.RADIO, actions::settingsChanged);
		denoise = button(bar, "Denoise", SWT.CHECK, actions::settingsChanged);
		denoise.setToolTipText("Render writes the edge-aware denoised image; Path trace shows it once its samples are done");
		pathTrace = button(bar, "Path trace", SWT.TOGGLE, actions::pathTraceToggled);
		pathTrace.setToolTipText("Show the scene path-traced, refining pass after pass; moving the camera starts again");
		new Label(bar, SWT.NONE).setText("Size");
		resolution = new Text(bar, SWT.BORDER | SWT.SINGLE);
		resolution.setText(RenderSize.DEFAULT.toString());
		resolution.setToolTipText("The resolution Render traces at, WIDTH×HEIGHT (not the view's size)");
		render = button(bar, "Render", SWT.PUSH, actions::render);
		render.setToolTipText("Path-trace the view at the resolution given into a PNG under the workspace's outputs/render, as a job");
		cancel = button(bar, "Cancel", SWT.PUSH, actions::cancelRender);
		cancel.setEnabled(false);
		progress = new ProgressBar(bar, SWT.HORIZONTAL | SWT.SMOOTH);
		progress.setLayoutData(new GridData(80, SWT.DEFAULT));
		traceStatus = new Label(bar, SWT.NONE);
		traceStatus.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		for (Spinner s : new Spinner[] { spp, bounces }) {
			s.addListener(SWT.Modify, e -> actions.settingsChanged());
		}
	}

	/** The control that shows the scene and takes its keys; null without OpenGL. */
	Control sceneControl() {
		return viewport == null ? null : viewport.control();
	}

	/** The GL canvas; without OpenGL 3.3, a label that says why, and the controls that need the canvas disabled. */
	private ViewportCanvas createCanvas(Composite parent, Executor ui) {
		try {
			ViewportCanvas canvas = new ViewportCanvas(parent, ui);
			canvas.control().setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			canvas.onFrame(this::showFrameTime);
			canvas.onViewChanged(actions::viewChanged);
			canvas.onSelectionChanged(this::showSelection);
			frameTime.setToolTipText("OpenGL " + canvas.glDescription());
			canvas.control().setToolTipText("A click selects, left-drag orbits, middle- or shift-drag pans, the wheel zooms, F frames the selection");
			return canvas;
		} catch (GlException e) {
			Label none = new Label(parent, SWT.WRAP | SWT.CENTER);
			none.setText("No OpenGL 3.3 viewport: " + e.getMessage());
			none.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			for (Control c : new Control[] { open, scenes, frame, resetView, wireframe, skyLight, pathTrace, render }) {
				c.setEnabled(false);
			}
			return null;
		}
	}

	private static Text createStatus(Composite parent) {
		Text text = new Text(parent, SWT.MULTI | SWT.WRAP | SWT.READ_ONLY | SWT.V_SCROLL);
		// a fixed three lines, scrolling for more: a message that wraps must not resize the viewport (which would drop the image it shows)
		GridData data = new GridData(SWT.FILL, SWT.TOP, true, false);
		GC gc = new GC(text);
		try {
			data.heightHint = STATUS_LINES * gc.getFontMetrics().getHeight();
		} finally {
			gc.dispose();
		}
		data.widthHint = 300;
		text.setLayoutData(data);
		return text;
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

	private void browse() {
		FileDialog dialog = new FileDialog(root.getShell(), SWT.OPEN);
		dialog.setFilterExtensions(new String[] { "*.gltf;*.glb", "*" });
		dialog.setFilterNames(new String[] { "glTF 2.0 (*.gltf, *.glb)", "All files" });
		String chosen = dialog.open();
		if (chosen != null) {
			actions.open(Path.of(chosen));
		}
	}

	/** Whether the view is gone; safe to ask from any thread. */
	boolean disposed() {
		return root.isDisposed();
	}

	/** Runs {@code action} on the UI thread after {@code millis}, unless the view is gone by then. */
	void later(int millis, Runnable action) {
		root.getDisplay().timerExec(millis, () -> {
			if (!root.isDisposed()) {
				action.run();
			}
		});
	}

	/** Frame (the button, the command and F): fits the selected mesh, or the whole scene, into view. */
	void frameSelection() {
		if (viewport != null) {
			viewport.frame();
		}
	}

	/** CUDA is offered when the device service has a CUDA device that runs the path tracer; the tooltip says why not. */
	void offerBackends(DeviceService devices) {
		String why;
		if (devices == null) {
			why = "no device service";
		} else {
			try {
				RenderBackend gpu = RenderBackend.named("cuda", devices);
				why = null;
				cuda.setToolTipText("Trace on " + gpu.device());
			} catch (IllegalStateException | IllegalArgumentException e) {
				why = e.getMessage();
			}
		}
		offer(cuda, why);
		String whyNotAll;
		if (devices == null) {
			whyNotAll = "no device service";
		} else {
			try {
				RenderBackend all = allGpus(devices);
				whyNotAll = all instanceof SplitRenderer ? null : "one CUDA GPU (" + all.device() + "); a split render needs two or more";
				allGpus.setToolTipText("Split each render over " + all.device().replace("+", ", ") + ", rows handed out by their measured speed");
			} catch (IllegalStateException | IllegalArgumentException e) {
				whyNotAll = e.getMessage();
			}
		}
		offer(allGpus, whyNotAll);
	}

	/** Enables a backend's button, or disables it saying why, falling back to the CPU when it was chosen. */
	private void offer(Button backend, String why) {
		backend.setEnabled(why == null);
		if (why != null) {
			backend.setToolTipText("Not available: " + why);
			if (backend.getSelection()) {
				backend.setSelection(false);
				cpu.setSelection(true);
			}
		}
	}

	private static RenderBackend allGpus(DeviceService devices) {
		return RenderBackend.over(devices.resolveAll("all"), devices);
	}

	/**
	 * The backend chosen: the CPU, the first CUDA device that runs the path tracer, or every CUDA GPU, each render split
	 * over them.
	 *
	 * @throws IllegalStateException when CUDA is chosen and no device can run it (any more)
	 */
	RenderBackend backend(DeviceService devices) {
		if (devices == null || !cuda.getSelection() && !allGpus.getSelection()) {
			return RenderBackend.cpu();
		}
		if (allGpus.getSelection()) {
			try {
				return allGpus(devices);
			} catch (IllegalArgumentException e) { // the GPUs went away
				throw new IllegalStateException(e.getMessage(), e);
			}
		}
		return RenderBackend.named("cuda", devices);
	}

	Settings settings() {
		return Settings.defaults().withSpp(spp.getSelection()).withMaxBounces(bounces.getSelection()).withDenoise(denoise.getSelection());
	}

	/**
	 * Selects the scene shown in the scene list: a file's by its name, as the entry after the built-in ones (the last
	 * file opened keeps that entry, which opens it again), or a built-in one by its label.
	 */
	void showScene(String name, Path file) {
		if (file != null) {
			sceneFile = file;
		}
		List<String> items = new ArrayList<>(BuiltinScenes.labels());
		if (sceneFile != null) {
			items.add(sceneFile.getFileName().toString());
		}
		if (!Arrays.asList(scenes.getItems()).equals(items)) {
			scenes.setItems(items.toArray(String[]::new));
		}
		int index = file != null ? items.size() - 1 : BuiltinScenes.labels().indexOf(name);
		if (index >= 0) {
			scenes.select(index);
		}
		scenes.setToolTipText(file != null ? "Opened from " + file : "Built-in scenes, and the last file opened");
		scenes.getParent().layout(new Control[] { scenes });
	}

	/** Whether Sky light is on. */
	boolean skyLight() {
		return skyLight.getSelection();
	}

	void skyLight(boolean on) {
		skyLight.setSelection(on);
	}

	/** Whether Path trace is on. */
	boolean pathTracing() {
		return pathTrace.getSelection();
	}

	/** While a render runs, Render and Path trace are off and Cancel is on; the other way round after. */
	void rendering(boolean running) {
		render.setEnabled(!running);
		pathTrace.setEnabled(!running);
		cancel.setEnabled(running);
	}

	/** The trace's samples so far, and its speed. */
	void showProgress(Progress p) {
		progress.setMaximum(p.targetSamples());
		progress.setSelection(p.samples());
		showTraceStatus(PathTraces.progressText(p));
	}

	void showTraceStatus(String text) {
		traceStatus.setText(text);
		traceStatus.getParent().layout(new Control[] { traceStatus });
	}

	void status(boolean failure, String text) {
		if (status.isDisposed()) {
			return;
		}
		ThemeColours.problem(styling, status, failure);
		status.setText(text);
	}

	private void showFrameTime() {
		if (!frameTime.isDisposed()) {
			frameTime.setText(viewport.frameTimes().label());
			frameTime.getParent().layout(new Control[] { frameTime });
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
}
