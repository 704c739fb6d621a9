package dev.atelier.viewport.ui.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.eclipse.swt.SWT;
import org.eclipse.swt.opengl.GLCanvas;
import org.eclipse.swt.opengl.GLData;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Event;
import org.joml.Vector3f;
import org.lwjgl.opengl.GL;
import org.lwjgl.opengl.GL11C;
import org.lwjgl.opengl.GLCapabilities;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.internal.trace.FlatScene;
import dev.atelier.viewport.ui.internal.gl.GlException;
import dev.atelier.viewport.ui.internal.gl.SceneRenderer;

/**
 * An SWT {@link GLCanvas} with its own GL context and {@link SceneRenderer}: paints on demand, moves the
 * {@link OrbitCamera} with the mouse (left-drag orbits, middle- or shift-drag pans, the wheel zooms), selects the mesh
 * under a left click (highlighted; F frames it), and shows either the shaded scene or an image handed to it (the path
 * tracer's). It runs on the UI thread, but for the picking BVH, built in the background and handed back; the GL
 * objects go with the canvas.
 */
public final class ViewportCanvas {

	/** Tells the owner that the view changed: the camera moved or the viewport was resized. */
	@FunctionalInterface
	public interface ViewListener {
		void viewChanged();
	}

	/** Tells the owner that the selection changed: a mesh was picked, or the selection was cleared. */
	@FunctionalInterface
	public interface SelectionListener {
		void selectionChanged();
	}

	final GLCanvas canvas;
	private final GLCapabilities capabilities;
	private final SceneRenderer renderer;
	private final String version;
	private final String rendererName;
	private OrbitCamera camera = new OrbitCamera();
	private boolean wireframe;
	private float exposure;
	private final FrameTimes frameTimes = new FrameTimes(30);
	private Runnable afterFrame = () -> {
	};
	private ViewListener viewListener = () -> {
	};
	private SelectionListener selectionListener = () -> {
	};
	/** The index of the selected mesh in the scene's meshes, or −1. */
	private int selected = -1;
	/**
	 * The scene's geometry with its BVH, built off the UI thread from the first click after the meshes changed; null
	 * until then.
	 */
	private CompletableFuture<FlatScene> pickable;
	/** Counts clicks, so that a pick that waited for the BVH is dropped when another click came meanwhile. */
	private int clicks;
	/** Runs what finished in the background on the UI thread. */
	private final Executor ui;
	/** The image shown instead of the scene, or null: linear RGB, rows from the top. */
	private float[] image;
	private int imageWidth;
	private int imageHeight;
	private int dragButton;
	private int lastX;
	private int lastY;
	private boolean panning;
	/** Whether the mouse moved since the left button went down: then its release is no click. */
	private boolean dragged;
	/** Device pixels per point. */
	private float zoom = 1;

	/** A GL canvas of the viewport's pixel format (double-buffered, 8-bit colour, 24-bit depth), or why there is none. */
	static GLCanvas newCanvas(Composite parent) {
		GLData data = new GLData();
		data.doubleBuffer = true;
		data.depthSize = 24;
		data.redSize = 8;
		data.greenSize = 8;
		data.blueSize = 8;
		try {
			return new GLCanvas(parent, SWT.NO_BACKGROUND, data);
		} catch (RuntimeException | Error e) {
			throw new GlException("no OpenGL canvas: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
		}
	}

	/** Makes the canvas's context current and returns its capabilities, refusing a context below OpenGL 3.3. */
	static GLCapabilities makeCurrent(GLCanvas canvas) {
		canvas.setCurrent();
		GLCapabilities caps = GL.createCapabilities();
		if (!caps.OpenGL33) {
			throw new GlException("OpenGL 3.3 is needed; this context is " + GL11C.glGetString(GL11C.GL_VERSION) + " on "
					+ GL11C.glGetString(GL11C.GL_RENDERER));
		}
		return caps;
	}

	/**
	 * Makes the canvas and its context (double-buffered, 24-bit depth) and the renderer; {@code ui} runs what is
	 * computed in the background (picks) on the UI thread.
	 *
	 * @throws GlException when there is no OpenGL 3.3 context to be had; the canvas is then gone again
	 */
	public ViewportCanvas(Composite parent, Executor ui) {
		this.ui = ui;
		canvas = newCanvas(parent);
		try {
			capabilities = makeCurrent(canvas);
			version = GL11C.glGetString(GL11C.GL_VERSION);
			rendererName = GL11C.glGetString(GL11C.GL_RENDERER);
			renderer = new SceneRenderer();
		} catch (RuntimeException | Error e) {
			GL.setCapabilities(null);
			canvas.dispose();
			throw e instanceof GlException g ? g : new GlException("no OpenGL context: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
		}
		canvas.addListener(SWT.Paint, e -> paint());
		updateZoom();
		canvas.addListener(SWT.Resize, e -> {
			updateZoom();
			canvas.redraw();
			viewListener.viewChanged();
		});
		canvas.addListener(SWT.MouseDown, this::mouseDown);
		canvas.addListener(SWT.MouseUp, this::mouseUp);
		canvas.addListener(SWT.MouseMove, this::mouseMove);
		canvas.addListener(SWT.MouseVerticalWheel, this::wheel);
		canvas.addListener(SWT.KeyDown, e -> {
			if (e.character == 'f' || e.character == 'F') {
				frame();
			}
		});
		canvas.addListener(SWT.Dispose, e -> dispose());
	}

	/** "4.5 (Compatibility Profile) Mesa 22.3.6 on llvmpipe …". */
	public String glDescription() {
		return version + " on " + rendererName;
	}

	public String glVersion() {
		return version;
	}

	public GLCanvas control() {
		return canvas;
	}

	public OrbitCamera camera() {
		return camera;
	}

	public void setCamera(OrbitCamera c) {
		camera = c;
		changed();
	}

	public boolean wireframe() {
		return wireframe;
	}

	public void setWireframe(boolean on) {
		wireframe = on;
		canvas.redraw();
	}

	public float exposure() {
		return exposure;
	}

	public void setExposure(float stops) {
		exposure = stops;
		canvas.redraw();
	}

	public FrameTimes frameTimes() {
		return frameTimes;
	}

	public void onFrame(Runnable r) {
		afterFrame = r;
	}

	public void onViewChanged(ViewListener l) {
		viewListener = l;
	}

	public void onSelectionChanged(SelectionListener l) {
		selectionListener = l;
	}

	/**
	 * Uploads the scene (its environment baked for lighting); a GL failure is thrown and the old scene stays. The
	 * selection stays when the meshes are the same (the scene relit), else it is cleared.
	 */
	public void setScene(Scene scene) {
		makeCurrent();
		Scene old = renderer.scene();
		renderer.setScene(scene);
		if (old == null || !old.meshes().equals(scene.meshes())) {
			pickable = null;
			select(-1);
		}
		canvas.redraw();
	}

	/** The index of the selected mesh in {@link #scene}'s meshes, or −1. */
	public int selected() {
		return selected;
	}

	/** The selected mesh, or null. */
	public Mesh selectedMesh() {
		return selected < 0 ? null : renderer.scene().meshes().get(selected);
	}

	public void select(int mesh) {
		if (mesh != selected) {
			selected = mesh;
			canvas.redraw();
			selectionListener.selectionChanged();
		}
	}

	/**
	 * Selects the mesh seen at a point of the canvas (in points from the top left), or nothing over empty space. The
	 * ray is cast off the UI thread, through a BVH built there at the first click on a scene; the selection changes
	 * once it is back, unless the scene changed or another click came.
	 */
	public void pick(int x, int y) {
		Scene s = renderer.scene();
		if (s == null) {
			return;
		}
		if (pickable == null) {
			pickable = CompletableFuture.supplyAsync(() -> geometry(s));
		}
		Vector3f eye = camera.eye();
		Vector3f d = camera.ray(x, y, width(), height());
		float[] origin = { eye.x, eye.y, eye.z };
		float[] direction = { d.x, d.y, d.z };
		CompletableFuture<FlatScene> bvh = pickable;
		int click = ++clicks;
		bvh.thenApply(f -> f.pick(origin, direction).orElse(-1)).thenAcceptAsync(mesh -> {
			if (!canvas.isDisposed() && bvh == pickable && click == clicks) {
				select(mesh);
			}
		}, ui);
	}

	/** Geometry is all picking needs: no textures, lights or environment tables to build. */
	private static FlatScene geometry(Scene s) {
		List<Mesh> shapes = s.meshes().stream().map(m -> new Mesh(m.name(), m.positions(), m.normals(), null, null, m.indices(), 0)).toList();
		return FlatScene.of(new Scene(s.name(), shapes, List.of(Material.diffuse("pick", 1, 1, 1, null)), List.of(), List.of(), Environment.black()));
	}

	public Scene scene() {
		return renderer.scene();
	}

	/** Shows a linear RGB image instead of the scene, or the scene again for null. */
	public void showImage(float[] rgb, int width, int height) {
		image = rgb;
		imageWidth = width;
		imageHeight = height;
		canvas.redraw();
	}

	public boolean showsImage() {
		return image != null;
	}

	/** Fits the selected mesh's bounds into view, or the whole scene's when nothing is selected. */
	public void frame() {
		Scene s = renderer.scene();
		if (s != null && !s.meshes().isEmpty()) {
			Mesh m = selectedMesh();
			camera.frame(m == null ? s.bounds() : m.bounds(), s.bounds(), aspect());
			changed();
		}
	}

	public int width() {
		return Math.max(1, canvas.getClientArea().width);
	}

	public int height() {
		return Math.max(1, canvas.getClientArea().height);
	}

	/** The drawable's width in device pixels (the client area is in points, which differ on a scaled monitor). */
	public int pixelWidth() {
		return Math.max(1, Math.round(canvas.getClientArea().width * zoom()));
	}

	public int pixelHeight() {
		return Math.max(1, Math.round(canvas.getClientArea().height * zoom()));
	}

	private float zoom() {
		return zoom;
	}

	/** The monitor's zoom, asked again on every resize (asking is slow on GTK: a round trip to the X server). */
	private void updateZoom() {
		var monitor = canvas.getMonitor();
		zoom = monitor == null ? 1 : monitor.getZoom() / 100f;
	}

	public float aspect() {
		return width() / (float) height();
	}

	private void makeCurrent() {
		canvas.setCurrent();
		GL.setCapabilities(capabilities);
	}

	/** Draws a frame into the back buffer (nothing is swapped). */
	private void draw() {
		makeCurrent();
		int w = pixelWidth();
		int h = pixelHeight();
		if (image != null) {
			renderer.renderImage(w, h, imageWidth, imageHeight, image, exposure);
		} else {
			renderer.render(new SceneRenderer.Frame(w, h, camera, wireframe, exposure, selected));
		}
	}

	void paint() {
		if (canvas.isDisposed() || renderer.isDisposed()) {
			return;
		}
		long start = System.nanoTime();
		draw();
		canvas.swapBuffers();
		frameTimes.add(System.nanoTime() - start);
		afterFrame.run();
	}

	/** Draws a frame, reads it back (0xAARRGGBB, rows from the top, {@link #pixelWidth} × {@link #pixelHeight}) and shows it. */
	public int[] capture() {
		draw();
		int[] pixels = SceneRenderer.readPixels(pixelWidth(), pixelHeight());
		canvas.swapBuffers();
		return pixels;
	}

	public java.util.Map<dev.atelier.viewport.ui.internal.gl.GlObjects.Kind, Integer> liveGlObjects() {
		return renderer.liveObjects();
	}

	private void changed() {
		canvas.redraw();
		viewListener.viewChanged();
	}

	private void mouseDown(Event e) {
		if (e.button == 1 || e.button == 2) {
			dragButton = e.button;
			panning = e.button == 2 || (e.stateMask & SWT.SHIFT) != 0;
			lastX = e.x;
			lastY = e.y;
			dragged = false;
			canvas.setFocus();
		}
	}

	/** A left press and release with no drag in between is a click: it picks. */
	private void mouseUp(Event e) {
		boolean click = e.button == 1 && dragButton == 1 && !dragged;
		dragButton = 0;
		if (click) {
			pick(e.x, e.y);
		}
	}

	private void mouseMove(Event e) {
		if (dragButton == 0) {
			return;
		}
		int dx = e.x - lastX;
		int dy = e.y - lastY;
		lastX = e.x;
		lastY = e.y;
		if (dx == 0 && dy == 0) {
			return;
		}
		dragged = true;
		if (panning) {
			camera.pan(dx, dy, height());
		} else {
			camera.orbit(dx, dy);
		}
		changed();
	}

	private void wheel(Event e) {
		if (e.count != 0) {
			// GTK reports three lines a notch
			camera.zoom(Math.signum(e.count) * Math.max(1, Math.abs(e.count) / 3f));
			changed();
		}
	}

	private void dispose() {
		if (!renderer.isDisposed()) {
			canvas.setCurrent();
			GL.setCapabilities(capabilities);
			renderer.dispose();
			GL.setCapabilities(null);
		}
	}
}
