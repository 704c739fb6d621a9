package dev.atelier.viewport.internal.gltf;

/**
 * An affine transform as glTF stores it: a 4×4 matrix, column-major, in doubles so that deep hierarchies do not
 * accumulate float error. Only the upper three rows are used: glTF node matrices are affine.
 */
final class Transform {

	static final Transform IDENTITY = new Transform(new double[] { 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 });

	private final double[] m;

	private Transform(double[] m) {
		this.m = m;
	}

	/** A column-major matrix of 16 values. */
	static Transform matrix(float[] columnMajor) {
		double[] m = new double[16];
		for (int i = 0; i < 16; i++) {
			m[i] = columnMajor[i];
		}
		return new Transform(m);
	}

	/** translation × rotation × scale, the rotation a unit quaternion (x, y, z, w). */
	static Transform trs(float[] t, double[] q, float[] s) {
		double x = q[0], y = q[1], z = q[2], w = q[3];
		double[] r = { 1 - 2 * (y * y + z * z), 2 * (x * y + z * w), 2 * (x * z - y * w), // first column
				2 * (x * y - z * w), 1 - 2 * (x * x + z * z), 2 * (y * z + x * w), // second
				2 * (x * z + y * w), 2 * (y * z - x * w), 1 - 2 * (x * x + y * y) }; // third
		double[] m = new double[16];
		for (int c = 0; c < 3; c++) {
			for (int row = 0; row < 3; row++) {
				m[c * 4 + row] = r[c * 3 + row] * s[c];
			}
		}
		m[12] = t[0];
		m[13] = t[1];
		m[14] = t[2];
		m[15] = 1;
		return new Transform(m);
	}

	/** This transform applied after {@code local}: a parent's world transform times a child's local one. */
	Transform times(Transform local) {
		double[] out = new double[16];
		for (int c = 0; c < 4; c++) {
			for (int row = 0; row < 4; row++) {
				double sum = 0;
				for (int k = 0; k < 4; k++) {
					sum += m[k * 4 + row] * local.m[c * 4 + k];
				}
				out[c * 4 + row] = sum;
			}
		}
		return new Transform(out);
	}

	/** The point (x, y, z) transformed, into {@code out} at {@code at}. */
	void point(double x, double y, double z, float[] out, int at) {
		for (int row = 0; row < 3; row++) {
			out[at + row] = (float) (m[row] * x + m[4 + row] * y + m[8 + row] * z + m[12 + row]);
		}
	}

	/** The direction (x, y, z) transformed by the linear part, not normalized. */
	double[] direction(double x, double y, double z) {
		double[] out = new double[3];
		for (int row = 0; row < 3; row++) {
			out[row] = m[row] * x + m[4 + row] * y + m[8 + row] * z;
		}
		return out;
	}

	/** The point (0, 0, 0) transformed: where a node puts what it carries. */
	float[] origin() {
		return new float[] { (float) m[12], (float) m[13], (float) m[14] };
	}

	/** The direction (x, y, z) transformed and of unit length, or null where the transform collapses it. */
	float[] unitDirection(double x, double y, double z) {
		double[] d = direction(x, y, z);
		double len = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
		return len == 0 || !Double.isFinite(len) ? null : new float[] { (float) (d[0] / len), (float) (d[1] / len), (float) (d[2] / len) };
	}

	/** The determinant of the linear part; negative where the transform mirrors, which reverses triangle winding. */
	double determinant() {
		return m[0] * (m[5] * m[10] - m[9] * m[6]) - m[4] * (m[1] * m[10] - m[9] * m[2]) + m[8] * (m[1] * m[6] - m[5] * m[2]);
	}

	/**
	 * The matrix normals are transformed with, 3×3 column-major: the inverse transpose of the linear part, up to a
	 * positive factor (the cofactor matrix times the determinant's sign), so a singular transform needs no division.
	 */
	double[] normalMatrix() {
		double sign = Math.signum(determinant());
		double a = m[0], b = m[4], c = m[8]; // first row
		double d = m[1], e = m[5], f = m[9]; // second
		double g = m[2], h = m[6], i = m[10]; // third
		return new double[] { sign * (e * i - f * h), sign * (c * h - b * i), sign * (b * f - c * e), // first column
				sign * (f * g - d * i), sign * (a * i - c * g), sign * (c * d - a * f), // second
				sign * (d * h - e * g), sign * (b * g - a * h), sign * (a * e - b * d) }; // third
	}
}
