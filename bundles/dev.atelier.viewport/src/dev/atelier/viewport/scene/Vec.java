package dev.atelier.viewport.scene;

/** The few 3-vector operations scene building needs, on float[3]. */
public final class Vec {

	private Vec() {
	}

	public static float[] sub(float[] a, float[] b) {
		return new float[] { a[0] - b[0], a[1] - b[1], a[2] - b[2] };
	}

	public static float[] cross(float[] a, float[] b) {
		return new float[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
	}

	public static float dot(float[] a, float[] b) {
		return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
	}

	public static float[] normalize(float[] a) {
		float len = (float) Math.sqrt(dot(a, a));
		return len == 0 ? a.clone() : new float[] { a[0] / len, a[1] / len, a[2] / len };
	}
}
