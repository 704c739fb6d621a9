package dev.atelier.viewport.ui.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.eclipse.e4.core.di.extensions.Service;
import org.eclipse.swt.SWT;
import org.eclipse.swt.SWTException;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;

import dev.atelier.core.jobs.JobService;
import dev.atelier.viewport.gltf.GltfLoader;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.ui.internal.gl.GlException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

/**
 * The Viewport: a scene in OpenGL, shaded physically (glTF metallic-roughness, punctual lights, image-based lighting)
 * and moved with the mouse. Scenes come from the built-in list or a glTF file ("Open…"); what goes wrong (a file that
 * does not load, no OpenGL) is said in the view, which carries on with what it had.
 */
public final class ViewportPart {

	static final String SPHERES = "Spheres";

	private final JobService jobs;

	Composite root;
	Display display;
	Button open;
	Combo scenes;
	Button frame;
	Button wireframe;
	Button skyLight;
	/** Frame time and GL version. */
	Label frameTime;
	/** What happened last: loaded, or (in red) what went wrong. */
	Label status;
	ViewportCanvas viewport;
	/** The scene as loaded, before the sky is added. */
	Scene scene;
	/** The file the scene came from, or null for a built-in one. */
	Path file;
	/** Loads started and not finished. */
	private final List<CompletableFuture<Scene>> loading = new ArrayList<>();

	@Inject
	public ViewportPart(@Service JobService jobs) {
		this.jobs = jobs;
	}

	@PostConstruct
	public void create(Composite parent) {
		root = parent;
		display = parent.getDisplay();
		parent.setLayout(new GridLayout(1, false));

		Composite bar = new Composite(parent, SWT.NONE);
		GridLayout barLayout = new GridLayout(8, false);
		barLayout.marginWidth = 0;
		barLayout.marginHeight = 0;
		bar.setLayout(barLayout);
		bar.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
		open = button(bar, "Open…", SWT.PUSH, this::browse);
		open.setToolTipText("Open a glTF 2.0 scene (.gltf or .glb)");
		scenes = new Combo(bar, SWT.READ_ONLY);
		scenes.setItems(SPHERES);
		scenes.setToolTipText("Built-in scenes");
		scenes.addListener(SWT.Selection, e -> showBuiltIn(scenes.getText()));
		frame = button(bar, "Frame", SWT.PUSH, this::frameScene);
		frame.setToolTipText("Fit the scene into view");
		wireframe = button(bar, "Wireframe", SWT.CHECK, () -> {
			if (viewport != null) {
				viewport.setWireframe(wireframe.getSelection());
			}
		});
		skyLight = button(bar, "Sky light", SWT.CHECK, this::relight);
		skyLight.setSelection(true);
		skyLight.setToolTipText("Light scenes that bring no environment with a daylight sky");
		frameTime = new Label(bar, SWT.NONE);
		frameTime.setLayoutData(new GridData(SWT.END, SWT.CENTER, true, false));

		try {
			viewport = new ViewportCanvas(parent);
			viewport.control().setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			viewport.onFrame(this::showFrameTime);
			frameTime.setToolTipText("OpenGL " + viewport.glDescription());
		} catch (GlException e) {
			viewport = null;
			Label none = new Label(parent, SWT.WRAP | SWT.CENTER);
			none.setText("No OpenGL 3.3 viewport: " + e.getMessage());
			none.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
			for (Button b : new Button[] { open, frame, wireframe, skyLight }) {
				b.setEnabled(false);
			}
			scenes.setEnabled(false);
		}
		status = new Label(parent, SWT.WRAP);
		status.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));

		if (viewport != null) {
			scenes.select(0);
			showBuiltIn(SPHERES);
		} else {
			status(true, "The viewport needs OpenGL 3.3.");
		}
	}

	private static Button button(Composite parent, String text, int style, Runnable action) {
		Button b = new Button(parent, style);
		b.setText(text);
		b.addListener(SWT.Selection, e -> action.run());
		return b;
	}

	void showFrameTime() {
		if (!frameTime.isDisposed()) {
			frameTime.setText(viewport.frameTimes().label());
			frameTime.getParent().layout(new org.eclipse.swt.widgets.Control[] { frameTime });
		}
	}

	void showBuiltIn(String name) {
		Scene s = switch (name) {
		default -> ViewportScenes.spheres();
		};
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
	 * current scene stays. The future completes (on the UI thread's watch) once the view shows the outcome.
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
			} catch (java.io.IOException e) {
				throw new CompletionException(e);
			}
		});
		CompletableFuture<Scene> shown = new CompletableFuture<>();
		loading.add(shown);
		load.whenComplete((s, failure) -> ui(() -> {
			loading.remove(shown);
			if (failure != null) {
				Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
				status(true, "Cannot open " + gltf.getFileName() + ": " + message(cause));
				shown.completeExceptionally(cause);
			} else {
				List<String> kept;
				synchronized (notes) {
					kept = List.copyOf(notes);
				}
				if (show(s, gltf, kept)) {
					shown.complete(s);
				} else {
					shown.completeExceptionally(new GlException(status.getText()));
				}
			}
		}, () -> shown.cancel(false)));
		return shown;
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
			viewport.frameScene();
		}
		String what = String.format(Locale.ROOT, "%s: %d meshes, %,d triangles, %d materials, %d lights%s.", from == null ? s.name() : from.getFileName(),
				s.meshes().size(), s.triangleCount(), s.materials().size(), s.lights().size(),
				EnvironmentRadiance.isBlack(s.environment()) ? (skyLight.getSelection() ? ", lit by the sky" : "") : ", its own environment");
		status(false, notes.isEmpty() ? what : what + " Left out: " + String.join("; ", notes));
		return true;
	}

	/** The sky light was switched: the scene is uploaded again with or without it. */
	private void relight() {
		if (viewport != null && scene != null) {
			try {
				viewport.setScene(ViewportScenes.lit(scene, skyLight.getSelection()));
			} catch (GlException e) {
				status(true, "Cannot relight " + scene.name() + ": " + e.getMessage());
			}
		}
	}

	void frameScene() {
		if (viewport != null) {
			viewport.frameScene();
		}
	}

	void status(boolean failure, String text) {
		if (status == null || status.isDisposed()) {
			return;
		}
		status.setForeground(failure ? display.getSystemColor(SWT.COLOR_DARK_RED) : null);
		status.setText(text);
		status.getParent().layout(true);
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
	}
}
