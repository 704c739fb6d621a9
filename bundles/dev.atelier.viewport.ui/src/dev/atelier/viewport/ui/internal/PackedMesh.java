package dev.atelier.viewport.ui.internal;

import dev.atelier.viewport.scene.Mesh;

/**
 * A mesh as the vertex buffer wants it: one interleaved float array, {@value #FLOATS_PER_VERTEX} floats a vertex:
 * position (xyz), normal (xyz), texture coordinates (uv, zero when the mesh has none) and tangent (xyzw, all zero
 * when the mesh has none: the shader then derives the tangent frame from screen-space derivatives).
 */
public record PackedMesh(float[] vertices, int[] indices, int material, boolean hasTangents) {

	public static final int FLOATS_PER_VERTEX = 12;
	public static final int STRIDE_BYTES = FLOATS_PER_VERTEX * Float.BYTES;
	public static final int POSITION_OFFSET = 0;
	public static final int NORMAL_OFFSET = 3 * Float.BYTES;
	public static final int TEXCOORD_OFFSET = 6 * Float.BYTES;
	public static final int TANGENT_OFFSET = 8 * Float.BYTES;

	public static PackedMesh of(Mesh mesh) {
		int n = mesh.vertexCount();
		float[] v = new float[n * FLOATS_PER_VERTEX];
		float[] p = mesh.positions();
		float[] nn = mesh.normals();
		float[] uv = mesh.texcoords();
		float[] t = mesh.tangents();
		for (int i = 0; i < n; i++) {
			int o = i * FLOATS_PER_VERTEX;
			System.arraycopy(p, 3 * i, v, o, 3);
			System.arraycopy(nn, 3 * i, v, o + 3, 3);
			if (uv != null) {
				System.arraycopy(uv, 2 * i, v, o + 6, 2);
			}
			if (t != null) {
				System.arraycopy(t, 4 * i, v, o + 8, 4);
				if (v[o + 11] == 0) {
					v[o + 11] = 1; // w carries the bitangent's sign; zero would read as "no tangent"
				}
			}
		}
		return new PackedMesh(v, mesh.indices().clone(), mesh.material(), t != null);
	}

	public int vertexCount() {
		return vertices.length / FLOATS_PER_VERTEX;
	}
}
