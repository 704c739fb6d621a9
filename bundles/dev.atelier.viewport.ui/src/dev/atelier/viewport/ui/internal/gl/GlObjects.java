package dev.atelier.viewport.ui.internal.gl;

import static org.lwjgl.opengl.GL33C.*;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every GL object one context's renderer made and has not yet deleted, by kind. Objects are created and deleted only
 * through it, so that {@link #live()} shows leaks and {@link #deleteAll()} cleans up whatever is left.
 */
public final class GlObjects {

	public enum Kind {
		BUFFER, VERTEX_ARRAY, TEXTURE, FRAMEBUFFER, PROGRAM
	}

	private final Map<Kind, Set<Integer>> live = new EnumMap<>(Kind.class);

	public GlObjects() {
		for (Kind k : Kind.values()) {
			live.put(k, new LinkedHashSet<>());
		}
	}

	public int buffer() {
		return add(Kind.BUFFER, glGenBuffers());
	}

	public int vertexArray() {
		return add(Kind.VERTEX_ARRAY, glGenVertexArrays());
	}

	public int texture() {
		return add(Kind.TEXTURE, glGenTextures());
	}

	public int framebuffer() {
		return add(Kind.FRAMEBUFFER, glGenFramebuffers());
	}

	/** Takes a program made elsewhere (linked by {@link Shaders}) into account. */
	public int program(int id) {
		return add(Kind.PROGRAM, id);
	}

	private int add(Kind kind, int id) {
		if (id == 0) {
			throw new GlException("glGen* for a " + kind.name().toLowerCase() + " returned 0");
		}
		live.get(kind).add(id);
		return id;
	}

	/** Deletes one object; 0 and objects already deleted are ignored. */
	public void delete(Kind kind, int id) {
		if (id == 0 || !live.get(kind).remove(id)) {
			return;
		}
		switch (kind) {
		case BUFFER -> glDeleteBuffers(id);
		case VERTEX_ARRAY -> glDeleteVertexArrays(id);
		case TEXTURE -> glDeleteTextures(id);
		case FRAMEBUFFER -> glDeleteFramebuffers(id);
		case PROGRAM -> glDeleteProgram(id);
		}
	}

	/** How many objects of each kind are alive. */
	public Map<Kind, Integer> live() {
		Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
		live.forEach((k, ids) -> counts.put(k, ids.size()));
		return counts;
	}

	public int total() {
		return live.values().stream().mapToInt(Set::size).sum();
	}

	public void deleteAll() {
		for (Kind k : Kind.values()) {
			for (Integer id : Set.copyOf(live.get(k))) {
				delete(k, id);
			}
		}
	}
}
