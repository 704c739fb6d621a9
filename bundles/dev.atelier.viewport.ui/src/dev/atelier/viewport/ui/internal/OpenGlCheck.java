package dev.atelier.viewport.ui.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.eclipse.swt.SWTError;
import org.eclipse.swt.opengl.GLCanvas;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.lwjgl.opengl.GL;
import org.lwjgl.opengl.GL11C;
import org.osgi.service.component.annotations.Component;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.DoctorCheck;

/** {@code atelier doctor}: whether the Viewport gets its OpenGL 3.3 context here, made as the view makes it. */
@Component(service = DoctorCheck.class)
public final class OpenGlCheck implements DoctorCheck {

	private static final String SUBJECT = "OpenGL (Viewport)";
	private static final List<String> SOFTWARE = List.of("llvmpipe", "softpipe", "software rasterizer", "swr");

	/** What a context reported. */
	record Context(String version, String renderer) {
	}

	@Override
	public int order() {
		return 400;
	}

	@Override
	public String name() {
		return SUBJECT;
	}

	@Override
	public List<Finding> run(AtelierEnvironment environment) {
		return List.of(finding(System.getenv(), OpenGlCheck::probe));
	}

	static Finding finding(Map<String, String> env, Supplier<Context> probe) {
		if (env.getOrDefault("DISPLAY", "").isEmpty() && env.getOrDefault("WAYLAND_DISPLAY", "").isEmpty()) {
			return Finding.problem(SUBJECT, "no display (DISPLAY and WAYLAND_DISPLAY are unset): the IDE cannot open here; the CLI works, "
					+ "`atelier render` included", "run the IDE in a desktop session; over SSH use `ssh -X` or a remote desktop");
		}
		Context context;
		try {
			context = probe.get();
		} catch (RuntimeException | LinkageError | SWTError e) {
			return Finding.problem(SUBJECT, (e.getMessage() == null ? e.toString() : e.getMessage())
					+ ": the Viewport shows a message instead of the scene; path tracing and `atelier render` still work",
					"install the GPU's OpenGL driver (NVIDIA: the driver's libnvidia-gl package; others: Mesa's libgl1-mesa-dri) and check with "
							+ "`glxinfo -B` that the OpenGL version is 3.3 or newer");
		}
		String found = "OpenGL " + context.version() + " on " + context.renderer();
		String renderer = context.renderer().toLowerCase(Locale.ROOT);
		if (SOFTWARE.stream().anyMatch(renderer::contains)) {
			return Finding.problem(SUBJECT, found + ": software rendering, the Viewport's raster preview runs on the CPU and is slow",
					"use the GPU's OpenGL driver (NVIDIA: the driver's libnvidia-gl package) in a session on that GPU; `glxinfo -B` names the renderer");
		}
		return Finding.ok(SUBJECT, found);
	}

	/** Makes the Viewport's canvas and context on a hidden shell and reads what it got. */
	static Context probe() {
		Display display = Display.getCurrent();
		boolean own = display == null;
		if (own) {
			display = new Display();
		}
		Shell shell = new Shell(display);
		try {
			GLCanvas canvas = ViewportCanvas.newCanvas(shell);
			try {
				ViewportCanvas.makeCurrent(canvas);
				return new Context(GL11C.glGetString(GL11C.GL_VERSION), GL11C.glGetString(GL11C.GL_RENDERER));
			} finally {
				GL.setCapabilities(null);
				canvas.dispose();
			}
		} finally {
			shell.dispose();
			if (own) {
				display.dispose();
			}
		}
	}
}
