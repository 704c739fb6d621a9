package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.eclipse.swt.SWTError;
import org.eclipse.swt.widgets.Display;
import org.junit.jupiter.api.Test;

import dev.atelier.core.DoctorCheck.Finding;
import dev.atelier.viewport.ui.internal.OpenGlCheck.Context;
import dev.atelier.viewport.ui.internal.gl.GlException;

/** {@code atelier doctor}'s OpenGL finding, from probes of known answers and from this display's own context. */
class OpenGlCheckTest {

	private static final Map<String, String> X11 = Map.of("DISPLAY", ":0");

	@Test
	void noDisplayIsAProblemThatKeepsTheCliInUseWithoutProbing() {
		Finding f = OpenGlCheck.finding(Map.of(), () -> {
			throw new AssertionError("no probe without a display");
		});
		assertFalse(f.ok());
		assertTrue(f.detail().startsWith("no display"), f.detail());
		assertTrue(f.fix().contains("ssh -X"), f.fix());
	}

	@Test
	void aContextBelow33IsAProblemNamingWhatWasFound() {
		Finding f = OpenGlCheck.finding(X11, () -> {
			throw new GlException("OpenGL 3.3 is needed; this context is 2.1 Mesa 20.0 on i915");
		});
		assertFalse(f.ok());
		assertTrue(f.detail().startsWith("OpenGL 3.3 is needed; this context is 2.1"), f.detail());
		assertTrue(f.fix().contains("glxinfo -B"), f.fix());
	}

	@Test
	void aDisplayThatCannotBeOpenedIsAProblem() {
		Finding f = OpenGlCheck.finding(X11, () -> {
			throw new SWTError("No more handles [gtk_init_check() failed]");
		});
		assertFalse(f.ok());
		assertTrue(f.detail().contains("gtk_init_check"), f.detail());
	}

	@Test
	void softwareRenderingIsAProblemAndAGpuContextIsOk() {
		Finding mesa = OpenGlCheck.finding(X11, () -> new Context("4.5 (Core Profile) Mesa 24.0.9", "llvmpipe (LLVM 17.0.6, 256 bits)"));
		assertFalse(mesa.ok());
		assertTrue(mesa.detail().contains("software rendering"), mesa.detail());
		assertEquals(Finding.ok("OpenGL (Viewport)", "OpenGL 4.6.0 NVIDIA 580.65.06 on NVIDIA GeForce RTX 4090/PCIe/SSE2"),
				OpenGlCheck.finding(X11, () -> new Context("4.6.0 NVIDIA 580.65.06", "NVIDIA GeForce RTX 4090/PCIe/SSE2")));
	}

	@Test
	void thisDisplaysContextIsProbedTheWayTheViewportMakesIt() {
		Display.getDefault();
		Context context = OpenGlCheck.probe();
		assertTrue(context.version().matches("[3-9]\\.\\d.*"), context.toString());
		assertFalse(context.renderer().isBlank(), context.toString());
	}
}
