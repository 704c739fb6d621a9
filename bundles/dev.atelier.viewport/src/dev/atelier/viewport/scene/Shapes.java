package dev.atelier.viewport.scene;


/** Meshes for the built-in scenes, with normals, texture coordinates (glTF's: v down the image) and tangents. */
public final class Shapes {

	private Shapes() {
	}

	/**
	 * A UV sphere: u around from +X towards −Z (so that the texture is not mirrored seen from outside), v from the
	 * north pole (+Y) down; counter-clockwise seen from outside.
	 */
	public static Mesh sphere(String name, float[] centre, float radius, int segments, int rings, int material) {
		int n = (segments + 1) * (rings + 1);
		float[] p = new float[n * 3];
		float[] nn = new float[n * 3];
		float[] uv = new float[n * 2];
		float[] t = new float[n * 4];
		for (int r = 0; r <= rings; r++) {
			double theta = Math.PI * r / rings;
			for (int s = 0; s <= segments; s++) {
				double phi = 2 * Math.PI * s / segments;
				int i = r * (segments + 1) + s;
				double x = Math.sin(theta) * Math.cos(phi);
				double y = Math.cos(theta);
				double z = -Math.sin(theta) * Math.sin(phi);
				nn[3 * i] = (float) x;
				nn[3 * i + 1] = (float) y;
				nn[3 * i + 2] = (float) z;
				p[3 * i] = centre[0] + radius * (float) x;
				p[3 * i + 1] = centre[1] + radius * (float) y;
				p[3 * i + 2] = centre[2] + radius * (float) z;
				uv[2 * i] = (float) s / segments;
				uv[2 * i + 1] = (float) r / rings;
				t[4 * i] = (float) -Math.sin(phi);
				t[4 * i + 1] = 0;
				t[4 * i + 2] = (float) -Math.cos(phi);
				t[4 * i + 3] = 1;
			}
		}
		int[] idx = new int[segments * rings * 6];
		int k = 0;
		for (int r = 0; r < rings; r++) {
			for (int s = 0; s < segments; s++) {
				int a = r * (segments + 1) + s;
				int below = a + segments + 1;
				idx[k++] = a;
				idx[k++] = below;
				idx[k++] = a + 1;
				idx[k++] = a + 1;
				idx[k++] = below;
				idx[k++] = below + 1;
			}
		}
		return new Mesh(name, p, nn, uv, t, idx, material);
	}

	/**
	 * A rectangle through {@code centre} spanned by the half-extent vectors {@code u} and {@code v}, facing
	 * u × v; texture u along {@code u}, texture v against {@code v}.
	 */
	public static Mesh quad(String name, float[] centre, float[] u, float[] v, int material) {
		float[] p = new float[12];
		float[][] corners = { { -1, -1 }, { 1, -1 }, { 1, 1 }, { -1, 1 } };
		float[] normal = normalize(cross(u, v));
		float[] tangent = normalize(u);
		float[] nn = new float[12];
		float[] uv = new float[8];
		float[] t = new float[16];
		for (int i = 0; i < 4; i++) {
			for (int a = 0; a < 3; a++) {
				p[3 * i + a] = centre[a] + corners[i][0] * u[a] + corners[i][1] * v[a];
				nn[3 * i + a] = normal[a];
				t[4 * i + a] = tangent[a];
			}
			t[4 * i + 3] = 1;
			uv[2 * i] = (corners[i][0] + 1) / 2;
			uv[2 * i + 1] = (1 - corners[i][1]) / 2;
		}
		return new Mesh(name, p, nn, uv, t, new int[] { 0, 1, 2, 0, 2, 3 }, material);
	}

	private static float[] cross(float[] a, float[] b) {
		return new float[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
	}

	private static float[] normalize(float[] a) {
		float len = (float) Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
		return new float[] { a[0] / len, a[1] / len, a[2] / len };
	}
}
