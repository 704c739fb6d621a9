package dev.atelier.viewport.internal.trace;

import dev.atelier.viewport.scene.Camera;

/**
 * Camera rays through a film of width × height pixels: a pinhole at the camera's position, the vertical field of
 * view spanning the image height, image y downwards. The camera's aspect ratio is used when set, else the image's.
 */
final class PinholeCamera {

	final float originX, originY, originZ;
	private final float forwardX, forwardY, forwardZ;
	private final float rightX, rightY, rightZ;
	private final float upX, upY, upZ;
	private final float width;
	private final float height;

	PinholeCamera(Camera camera, int width, int height) {
		float[] f = normalize(camera.forward());
		float[] right = normalize(cross(f, camera.up()));
		float[] up = cross(right, f);
		float tanY = (float) Math.tan(0.5 * camera.yfov());
		float tanX = tanY * (camera.aspect() > 0 ? camera.aspect() : (float) width / height);
		originX = camera.position()[0];
		originY = camera.position()[1];
		originZ = camera.position()[2];
		forwardX = f[0];
		forwardY = f[1];
		forwardZ = f[2];
		rightX = right[0] * tanX;
		rightY = right[1] * tanX;
		rightZ = right[2] * tanX;
		upX = up[0] * tanY;
		upY = up[1] * tanY;
		upZ = up[2] * tanY;
		this.width = width;
		this.height = height;
	}

	/** The unit direction through film position (x, y) in pixels, into {@code out}. */
	void direction(float x, float y, float[] out) {
		float sx = 2 * x / width - 1;
		float sy = 1 - 2 * y / height;
		float dx = forwardX + sx * rightX + sy * upX;
		float dy = forwardY + sx * rightY + sy * upY;
		float dz = forwardZ + sx * rightZ + sy * upZ;
		float inv = 1 / (float) Math.sqrt(dx * dx + dy * dy + dz * dz);
		out[0] = dx * inv;
		out[1] = dy * inv;
		out[2] = dz * inv;
	}

	/**
	 * What the CUDA kernel needs to make the same rays: origin, forward, right × tan(fov_x / 2), up × tan(fov_y / 2),
	 * 12 floats; the film size is the kernel's width and height.
	 */
	float[] parameters() {
		return new float[] { originX, originY, originZ, forwardX, forwardY, forwardZ, rightX, rightY, rightZ, upX, upY, upZ };
	}

	private static float[] cross(float[] a, float[] b) {
		return new float[] { a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0] };
	}

	private static float[] normalize(float[] a) {
		float length = (float) Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
		if (!(length > 0)) {
			throw new IllegalArgumentException("the camera's forward and up directions must be non-zero and not parallel");
		}
		return new float[] { a[0] / length, a[1] / length, a[2] / length };
	}
}
