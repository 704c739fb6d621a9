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

	/** A camera at {@code eye} looking at {@code target} with +Y up. */
	public static Camera lookAt(String name, float[] eye, float[] target, float yfov) {
		float[] f = Vec.normalize(Vec.sub(target, eye));
		float[] right = Vec.normalize(Vec.cross(f, new float[] { 0, 1, 0 }));
		return new Camera(name, eye.clone(), f, Vec.cross(right, f), yfov, 0, 0.01f, 1000f);
	}
}
