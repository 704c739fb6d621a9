package dev.atelier.viewport.ui.internal;

/**
 * Cube-map texel directions as OpenGL's cube-map lookup defines them, faces in the order +X, −X, +Y, −Y, +Z, −Z;
 * {@code cubeDirection} in the shaders is the same function. Texel rows go with t, the first row at t = 0.
 */
public final class CubeFaces {

	private CubeFaces() {
	}

	/** The unit direction through (s, t) ∈ [0, 1]² of a face, into {@code out}. */
	public static void direction(int face, double s, double t, double[] out) {
		double u = 2 * s - 1;
		double v = 2 * t - 1;
		double x, y, z;
		switch (face) {
		case 0 -> { x = 1; y = -v; z = -u; }
		case 1 -> { x = -1; y = -v; z = u; }
		case 2 -> { x = u; y = 1; z = v; }
		case 3 -> { x = u; y = -1; z = -v; }
		case 4 -> { x = u; y = -v; z = 1; }
		case 5 -> { x = -u; y = -v; z = -1; }
		default -> throw new IllegalArgumentException("no cube face " + face);
		}
		double len = Math.sqrt(x * x + y * y + z * z);
		out[0] = x / len;
		out[1] = y / len;
		out[2] = z / len;
	}

	/** The solid angle of texel (i, j) of a face {@code size} texels wide. */
	public static double texelSolidAngle(int i, int j, int size) {
		double u0 = 2.0 * i / size - 1;
		double u1 = 2.0 * (i + 1) / size - 1;
		double v0 = 2.0 * j / size - 1;
		double v1 = 2.0 * (j + 1) / size - 1;
		return area(u0, v0) - area(u0, v1) - area(u1, v0) + area(u1, v1);
	}

	/** The solid angle of the face rectangle from the face's centre to (u, v), signed. */
	private static double area(double u, double v) {
		return Math.atan2(u * v, Math.sqrt(u * u + v * v + 1));
	}
}
