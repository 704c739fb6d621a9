package dev.atelier.viewport.ui.internal.gl;

/** OpenGL refused something: a shader that does not compile, an incomplete framebuffer, a GL error where checked. */
public final class GlException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public GlException(String message) {
		super(message);
	}
}
