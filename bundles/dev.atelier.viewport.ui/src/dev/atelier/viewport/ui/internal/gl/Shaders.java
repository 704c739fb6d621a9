package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Compiles and links the GLSL programs in {@code shaders/}: each stage is {@code #version 330 core}, then
 * {@code common.glsl}, then the stage's own file.
 */
final class Shaders {

	static final String VERSION = "#version 330 core\n";

	private Shaders() {
	}

	static String source(String name) {
		try (InputStream in = Shaders.class.getResourceAsStream("shaders/" + name)) {
			if (in == null) {
				throw new GlException("shader " + name + " is missing from the bundle");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException("cannot read shader " + name, e);
		}
	}

	/** Links a program of two stages; the objects' books get it. Compile and link logs come with the exception. */
	static int program(GlObjects objects, String vertex, String fragment) {
		String common = source("common.glsl");
		int vs = compile(GL_VERTEX_SHADER, vertex, VERSION + common + "\n#line 1\n" + source(vertex));
		int fs;
		try {
			fs = compile(GL_FRAGMENT_SHADER, fragment, VERSION + common + "\n#line 1\n" + source(fragment));
		} catch (GlException e) {
			glDeleteShader(vs);
			throw e;
		}
		int program = glCreateProgram();
		glAttachShader(program, vs);
		glAttachShader(program, fs);
		glLinkProgram(program);
		glDetachShader(program, vs);
		glDetachShader(program, fs);
		glDeleteShader(vs);
		glDeleteShader(fs);
		if (glGetProgrami(program, GL_LINK_STATUS) != GL_TRUE) {
			String log = glGetProgramInfoLog(program);
			glDeleteProgram(program);
			throw new GlException("program " + vertex + " + " + fragment + " does not link: " + log.strip());
		}
		return objects.program(program);
	}

	private static int compile(int type, String name, String source) {
		int shader = glCreateShader(type);
		glShaderSource(shader, source);
		glCompileShader(shader);
		if (glGetShaderi(shader, GL_COMPILE_STATUS) != GL_TRUE) {
			String log = glGetShaderInfoLog(shader);
			glDeleteShader(shader);
			throw new GlException("shader " + name + " does not compile: " + log.strip());
		}
		return shader;
	}
}
