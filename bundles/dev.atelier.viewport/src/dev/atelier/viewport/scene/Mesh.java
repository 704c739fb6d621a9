package dev.atelier.viewport.scene;

import java.util.Objects;

/**
 * Triangles in world space, with one material. Every vertex has a position and a normal (computed flat where the
 * source had none); texture coordinates and tangents are optional (null).
 *
 * @param positions xyz per vertex
 * @param normals   xyz per vertex, unit length
 * @param texcoords uv per vertex (TEXCOORD_0), or null
 * @param tangents  xyzw per vertex (w the bitangent sign), or null
 * @param indices   three vertex indices per triangle
 * @param material  index into the scene's materials
 */
public record Mesh(String name, float[] positions, float[] normals, float[] texcoords, float[] tangents, int[] indices, int material) {

	public Mesh {
		Objects.requireNonNull(name, "name");
		int n = positions.length / 3;
		if (positions.length % 3 != 0 || normals.length != positions.length || (texcoords != null && texcoords.length != 2 * n)
				|| (tangents != null && tangents.length != 4 * n) || indices.length % 3 != 0) {
			throw new IllegalArgumentException("mesh '" + name + "': vertex attributes of inconsistent lengths");
		}
		for (int i : indices) {
			if (i < 0 || i >= n) {
				throw new IllegalArgumentException("mesh '" + name + "': index " + i + " is past its " + n + " vertices");
			}
		}
	}

	public int vertexCount() {
		return positions.length / 3;
	}

	public int triangleCount() {
		return indices.length / 3;
	}

	/** The axis-aligned bounds of its vertices: {minX, minY, minZ, maxX, maxY, maxZ}; all zero without vertices. */
	public float[] bounds() {
		float[] b = { Float.MAX_VALUE, Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE, -Float.MAX_VALUE };
		for (int i = 0; i < positions.length; i += 3) {
			for (int a = 0; a < 3; a++) {
				b[a] = Math.min(b[a], positions[i + a]);
				b[3 + a] = Math.max(b[3 + a], positions[i + a]);
			}
		}
		return positions.length > 0 ? b : new float[6];
	}
}
