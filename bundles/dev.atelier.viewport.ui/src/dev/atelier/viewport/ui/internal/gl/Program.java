package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

import org.joml.Matrix4f;
import org.lwjgl.system.MemoryStack;

/** A linked program and its uniform locations (a uniform the compiler dropped has location −1 and is ignored). */
final class Program {

	final int id;
	private final Map<String, Integer> locations = new HashMap<>();

	Program(GlObjects objects, String vertex, String fragment) {
		id = Shaders.program(objects, vertex, fragment);
	}

	void use() {
		glUseProgram(id);
	}

	int location(String name) {
		return locations.computeIfAbsent(name, n -> glGetUniformLocation(id, n));
	}

	void set(String name, float value) {
		glUniform1f(location(name), value);
	}

	void set(String name, int value) {
		glUniform1i(location(name), value);
	}

	void set(String name, boolean value) {
		glUniform1i(location(name), value ? 1 : 0);
	}

	void set(String name, float x, float y) {
		glUniform2f(location(name), x, y);
	}

	void set(String name, float x, float y, float z) {
		glUniform3f(location(name), x, y, z);
	}

	void set(String name, float x, float y, float z, float w) {
		glUniform4f(location(name), x, y, z, w);
	}

	void set(String name, Matrix4f m) {
		try (MemoryStack stack = MemoryStack.stackPush()) {
			FloatBuffer buffer = stack.mallocFloat(16);
			m.get(buffer);
			glUniformMatrix4fv(location(name), false, buffer);
		}
	}

	/** A vec3 array from consecutive floats. */
	void set3v(String name, float[] xyz) {
		try (MemoryStack stack = MemoryStack.stackPush()) {
			glUniform3fv(location(name), stack.floats(xyz));
		}
	}
}
