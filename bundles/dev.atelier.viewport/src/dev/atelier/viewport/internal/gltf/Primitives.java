package dev.atelier.viewport.internal.gltf;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.atelier.viewport.internal.gltf.Accessors.Accessor;
import dev.atelier.viewport.internal.gltf.Accessors.Type;

/**
 * Mesh primitives decoded into triangles in their mesh's space: the attributes the scene keeps (POSITION, NORMAL,
 * TEXCOORD_0, TANGENT), indexed or not, triangle strips and fans turned into triangle lists. Points and lines are
 * skipped with a note. Each primitive is decoded once and shared by every node that places its mesh.
 */
final class Primitives {

	private static final String[] MODES = { "POINTS", "LINES", "LINE_LOOP", "LINE_STRIP", "TRIANGLES", "TRIANGLE_STRIP", "TRIANGLE_FAN" };
	private static final int TRIANGLES = 4;
	private static final int TRIANGLE_STRIP = 5;

	private final Accessors accessors;
	private final Consumer<String> notes;
	private final Map<String, Optional<Geometry>> decoded = new HashMap<>();

	Primitives(Accessors accessors, Consumer<String> notes) {
		this.accessors = accessors;
		this.notes = notes;
	}

	/** The primitive's triangles, or empty (with a note) where it has none the scene can show. */
	Optional<Geometry> geometry(Json primitive) throws GltfException {
		Optional<Geometry> g = decoded.get(primitive.path());
		if (g == null) {
			g = decode(primitive);
			decoded.put(primitive.path(), g);
		}
		return g;
	}

	private Optional<Geometry> decode(Json primitive) throws GltfException {
		int mode = primitive.integer("mode", 0, MODES.length - 1, TRIANGLES);
		if (mode < TRIANGLES) {
			notes.accept(primitive.note("mode " + MODES[mode] + " is skipped: the scene holds triangles only"));
			return Optional.empty();
		}
		Json attributes = primitive.get("attributes").required();
		if (!attributes.get("POSITION").present()) {
			notes.accept(primitive.note("has no POSITION and is skipped"));
			return Optional.empty();
		}
		float[] positions = attribute(attributes, "POSITION", Type.VEC3, -1);
		int n = positions.length / 3;
		float[] normals = attribute(attributes, "NORMAL", Type.VEC3, n);
		float[] texcoords = attribute(attributes, "TEXCOORD_0", Type.VEC2, n);
		// Without normals the specification has flat normals made and the tangents ignored.
		float[] tangents = normals == null ? null : attribute(attributes, "TANGENT", Type.VEC4, n);
		if (primitive.get("targets").present()) {
			notes.accept(primitive.note("morph targets are not applied: the base shape is used"));
		}
		Json indices = primitive.get("indices");
		int[] vertices = indices.present() ? indices(indices, n) : sequence(n);
		int[] triangles = triangles(primitive, mode, vertices);
		if (triangles.length == 0) {
			notes.accept(primitive.note("has no triangles and is skipped"));
			return Optional.empty();
		}
		return Optional.of(new Geometry(positions, normals, texcoords, tangents, triangles));
	}

	/** Attribute {@code name}'s values, checked to be of {@code type} and (where {@code count} ≥ 0) of that many elements; null where absent. */
	private float[] attribute(Json attributes, String name, Type type, int count) throws GltfException {
		Json ref = attributes.get(name);
		if (!ref.present()) {
			return null;
		}
		Accessor a = accessors.describe(ref);
		if (a.type() != type) {
			throw ref.error(a.json().path() + " is " + a.describe() + ", not " + type);
		}
		if (count >= 0 && a.count() != count) {
			throw ref.error(a.json().path() + " has " + a.count() + " elements but POSITION has " + count);
		}
		return accessors.floats(a);
	}

	private int[] indices(Json ref, int vertexCount) throws GltfException {
		Accessor a = accessors.describe(ref);
		if (a.type() != Type.SCALAR || !a.componentType().unsignedInteger() || a.normalized()) {
			throw ref.error(a.json().path() + " is " + a.describe() + ", not scalar unsigned integers");
		}
		int[] v = accessors.integers(a);
		for (int i = 0; i < v.length; i++) {
			if (v[i] >= vertexCount) {
				throw ref.error("index " + v[i] + " (element " + i + " of " + a.json().path() + ") is past the " + vertexCount + " vertices");
			}
		}
		return v;
	}

	private static int[] sequence(int n) {
		int[] v = new int[n];
		for (int i = 0; i < n; i++) {
			v[i] = i;
		}
		return v;
	}

	/** Triangle lists as the specification assembles them from lists, strips and fans. */
	private static int[] triangles(Json primitive, int mode, int[] v) throws GltfException {
		if (mode == TRIANGLES) {
			if (v.length % 3 != 0) {
				throw primitive.error(v.length + " vertices do not make whole triangles");
			}
			return v;
		}
		int count = Math.max(0, v.length - 2);
		if (3L * count > Accessors.MAX_VALUES) {
			throw primitive.error(count + " triangles are more than the loader accepts");
		}
		int[] t = new int[3 * count];
		for (int i = 0; i < count; i++) {
			if (mode == TRIANGLE_STRIP) {
				// p_i = {v_i, v_(i + 1 + i % 2), v_(i + 2 - i % 2)}: every other triangle reversed, so all face the same way.
				t[3 * i] = v[i];
				t[3 * i + 1] = v[i + 1 + i % 2];
				t[3 * i + 2] = v[i + 2 - i % 2];
			} else {
				// p_i = {v_(i + 1), v_(i + 2), v_0}
				t[3 * i] = v[i + 1];
				t[3 * i + 1] = v[i + 2];
				t[3 * i + 2] = v[0];
			}
		}
		return t;
	}
}
