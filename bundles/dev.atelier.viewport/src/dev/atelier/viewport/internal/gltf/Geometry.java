package dev.atelier.viewport.internal.gltf;

import dev.atelier.viewport.scene.Mesh;

/**
 * A mesh primitive's triangles in the mesh's own space, decoded once however many nodes place it.
 *
 * @param normals   xyz per vertex, or null where the primitive has none (flat normals are made when it is placed)
 * @param texcoords TEXCOORD_0, or null
 * @param tangents  xyzw per vertex, or null
 * @param triangles three vertex indices per triangle, counter-clockwise as seen from the front
 */
record Geometry(float[] positions, float[] normals, float[] texcoords, float[] tangents, int[] triangles) {

	/**
	 * This geometry under a node's world transform, as the scene's Mesh: positions transformed, normals by the inverse
	 * transpose, tangents by the transform with their bitangent sign kept meaningful, and the winding reversed where the
	 * transform mirrors, so that the front stays the front.
	 */
	Mesh place(String name, Transform world, int material) {
		int n = positions.length / 3;
		float[] p = new float[positions.length];
		for (int v = 0; v < n; v++) {
			world.point(positions[3 * v], positions[3 * v + 1], positions[3 * v + 2], p, 3 * v);
		}
		boolean mirrored = world.determinant() < 0;
		int[] tris = triangles.clone();
		if (mirrored) {
			for (int t = 0; t < tris.length; t += 3) {
				int swap = tris[t + 1];
				tris[t + 1] = tris[t + 2];
				tris[t + 2] = swap;
			}
		}
		if (normals == null) {
			return flat(name, p, tris, material);
		}
		double[] nm = world.normalMatrix();
		float[] nw = new float[normals.length];
		for (int v = 0; v < n; v++) {
			double x = normals[3 * v], y = normals[3 * v + 1], z = normals[3 * v + 2];
			unit(nm[0] * x + nm[3] * y + nm[6] * z, nm[1] * x + nm[4] * y + nm[7] * z, nm[2] * x + nm[5] * y + nm[8] * z, nw, 3 * v);
		}
		float[] tw = null;
		if (tangents != null) {
			tw = new float[tangents.length];
			for (int v = 0; v < n; v++) {
				double[] d = world.direction(tangents[4 * v], tangents[4 * v + 1], tangents[4 * v + 2]);
				unit(d[0], d[1], d[2], tw, 4 * v);
				// A mirror turns the bitangent cross(normal, tangent) around; flipping w keeps it where the texture wants it.
				tw[4 * v + 3] = mirrored ? -tangents[4 * v + 3] : tangents[4 * v + 3];
			}
		}
		return new Mesh(name, p, nw, texcoords == null ? null : texcoords.clone(), tw, tris, material);
	}

	/** Every triangle with its own three vertices and its face normal: the specification's flat normals. */
	private Mesh flat(String name, float[] p, int[] tris, int material) {
		float[] fp = new float[tris.length * 3];
		float[] fn = new float[tris.length * 3];
		float[] ft = texcoords == null ? null : new float[tris.length * 2];
		int[] fi = new int[tris.length];
		for (int t = 0; t < tris.length; t += 3) {
			int a = 3 * tris[t], b = 3 * tris[t + 1], c = 3 * tris[t + 2];
			double ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
			double vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
			double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
			if (nx == 0 && ny == 0 && nz == 0) {
				nz = 1; // a triangle without area has no direction, and no ray can hit it
			}
			for (int corner = 0; corner < 3; corner++) {
				int v = tris[t + corner];
				int out = t + corner;
				System.arraycopy(p, 3 * v, fp, 3 * out, 3);
				unit(nx, ny, nz, fn, 3 * out);
				if (ft != null) {
					System.arraycopy(texcoords, 2 * v, ft, 2 * out, 2);
				}
				fi[out] = out;
			}
		}
		return new Mesh(name, fp, fn, ft, null, fi, material);
	}

	/** (x, y, z) scaled to unit length into {@code out}; a zero vector stays zero. */
	private static void unit(double x, double y, double z, float[] out, int at) {
		double len = Math.sqrt(x * x + y * y + z * z);
		double s = len == 0 ? 0 : 1 / len;
		out[at] = (float) (x * s);
		out[at + 1] = (float) (y * s);
		out[at + 2] = (float) (z * s);
	}
}
