package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

/**
 * GL error checking. {@link #check} always asks glGetError where resources are made (scene upload, baking); per
 * frame it does so only when {@link #CHECK_PROPERTY} is true (the tests set it), since glGetError stalls the pipeline.
 */
public final class Gl {

	public static final String CHECK_PROPERTY = "atelier.gl.check";
	static final boolean CHECK_FRAMES = Boolean.getBoolean(CHECK_PROPERTY);

	private Gl() {
	}

	/** Throws if GL recorded an error, naming what was being done. */
	public static void check(String doing) {
		int error = glGetError();
		if (error != GL_NO_ERROR) {
			StringBuilder all = new StringBuilder(name(error));
			for (int more = glGetError(), n = 0; more != GL_NO_ERROR && n < 8; more = glGetError(), n++) {
				all.append(", ").append(name(more));
			}
			throw new GlException("OpenGL error while " + doing + ": " + all);
		}
	}

	/** {@link #check} when frames are checked. */
	public static void checkFrame(String doing) {
		if (CHECK_FRAMES) {
			check(doing);
		}
	}

	static String name(int error) {
		return switch (error) {
		case GL_INVALID_ENUM -> "GL_INVALID_ENUM";
		case GL_INVALID_VALUE -> "GL_INVALID_VALUE";
		case GL_INVALID_OPERATION -> "GL_INVALID_OPERATION";
		case GL_INVALID_FRAMEBUFFER_OPERATION -> "GL_INVALID_FRAMEBUFFER_OPERATION";
		case GL_OUT_OF_MEMORY -> "GL_OUT_OF_MEMORY";
		default -> "0x" + Integer.toHexString(error);
		};
	}
}
