package dev.atelier.viewport.scene;

/**
 * A perspective camera in world space.
 *
 * @param position where it is
 * @param forward  unit view direction
 * @param up       unit up direction, orthogonal to forward
 * @param yfov     vertical field of view in radians
 * @param aspect   width / height, or 0 to follow the image
 */
public record Camera(String name, float[] position, float[] forward, float[] up, float yfov, float aspect, float znear, float zfar) {

	/**
	 * The scene's first camera, else one looking at the centre of its bounds from the front (+Z) and a little above,
	 * far enough for the bounding sphere to fill a 45° view.
	 */
	public static Camera viewOf(Scene scene) {
		if (!scene.cameras().isEmpty()) {
			return scene.cameras().getFirst();
		}
		float[] b = scene.bounds();
		float[] centre = { (b[0] + b[3]) / 2, (b[1] + b[4]) / 2, (b[2] + b[5]) / 2 };
		float radius = Math.max(1e-3f, (float) Math.sqrt(Vec.dot(Vec.sub(new float[] { b[3], b[4], b[5] }, centre), Vec.sub(new float[] { b[3], b[4], b[5] }, centre))));
		float yfov = (float) Math.toRadians(45);
		float distance = radius / (float) Math.sin(yfov / 2);
		float[] direction = Vec.normalize(new float[] { 0, 0.25f, 1 });
		float[] eye = { centre[0] + direction[0] * distance, centre[1] + direction[1] * distance, centre[2] + direction[2] * distance };
		return lookAt("view", eye, centre, yfov);
	}

	/** A camera at {@code eye} looking at {@code target} with +Y up. */
	public static Camera lookAt(String name, float[] eye, float[] target, float yfov) {
		float[] f = Vec.normalize(Vec.sub(target, eye));
		float[] right = Vec.normalize(Vec.cross(f, new float[] { 0, 1, 0 }));
		return new Camera(name, eye.clone(), f, Vec.cross(right, f), yfov, 0, 0.01f, 1000f);
	}
}
