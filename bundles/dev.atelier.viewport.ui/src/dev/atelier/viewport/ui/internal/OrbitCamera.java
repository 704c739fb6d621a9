package dev.atelier.viewport.ui.internal;

import org.joml.Matrix4f;
import org.joml.Vector3f;
import org.joml.Vector4f;

import dev.atelier.viewport.scene.Camera;

/**
 * The viewport's camera: it circles a target point at a distance, at a yaw about +Y (0 looks down −Z) and a pitch
 * (positive looks down on the target), with +Y up. Mouse drags orbit and pan, the wheel zooms, {@link #frame} fits
 * bounds into view. Near and far planes follow the distance and the size of the scene last framed.
 */
public final class OrbitCamera {

	/** Framed bounds keep this factor of the view's half-extent free around them. */
	static final float FRAME_MARGIN = 1.08f;
	/** Radians of yaw or pitch per pixel dragged. */
	static final float ORBIT_SPEED = 0.01f;
	/** Distance factor per wheel notch towards the target. */
	static final float ZOOM_STEP = 0.9f;
	/** Pitch stays this far from straight up or down, where the up vector would be undefined. */
	static final float MAX_PITCH = (float) Math.toRadians(89);

	private final Vector3f target = new Vector3f();
	private float distance = 5;
	private float yaw;
	private float pitch;
	private float yfov = (float) Math.toRadians(45);
	/** The radius of the scene last framed: keeps the near and far planes sensible. */
	private float sceneRadius = 1;
	private final Vector3f sceneCentre = new Vector3f();

	public OrbitCamera() {
	}

	public OrbitCamera(Vector3f target, float distance, float yaw, float pitch, float yfov) {
		this.target.set(target);
		this.distance = distance;
		this.yaw = yaw;
		this.pitch = Math.clamp(pitch, -MAX_PITCH, MAX_PITCH);
		this.yfov = yfov;
	}

	/** Looking down −Z and 20° down onto the origin: where scenes without a camera are framed from. */
	public static OrbitCamera overview() {
		return new OrbitCamera(new Vector3f(), 5, 0, (float) Math.toRadians(20), (float) Math.toRadians(45));
	}

	public OrbitCamera copy() {
		OrbitCamera c = new OrbitCamera(target, distance, yaw, pitch, yfov);
		c.sceneRadius = sceneRadius;
		c.sceneCentre.set(sceneCentre);
		return c;
	}

	public Vector3f target() {
		return new Vector3f(target);
	}

	public float distance() {
		return distance;
	}

	public float yaw() {
		return yaw;
	}

	public float pitch() {
		return pitch;
	}

	public float yfov() {
		return yfov;
	}

	/** Unit direction from the target to the eye. */
	public Vector3f backward() {
		float c = (float) Math.cos(pitch);
		return new Vector3f(c * (float) Math.sin(yaw), (float) Math.sin(pitch), c * (float) Math.cos(yaw));
	}

	public Vector3f eye() {
		return backward().mul(distance).add(target);
	}

	public Vector3f forward() {
		return backward().negate();
	}

	/** The camera's right vector, horizontal. */
	public Vector3f right() {
		return new Vector3f((float) Math.cos(yaw), 0, -(float) Math.sin(yaw));
	}

	public Vector3f up() {
		return right().cross(forward()).normalize();
	}

	/** Left-drag: moving the mouse right turns the scene right (the eye goes left), down tilts the eye up. */
	public void orbit(float dxPixels, float dyPixels) {
		yaw -= dxPixels * ORBIT_SPEED;
		yaw = (float) Math.IEEEremainder(yaw, 2 * Math.PI);
		pitch = Math.clamp(pitch + dyPixels * ORBIT_SPEED, -MAX_PITCH, MAX_PITCH);
	}

	/**
	 * Middle- or shift-drag: the target moves in the view plane so that a point at the target's depth follows the
	 * mouse.
	 */
	public void pan(float dxPixels, float dyPixels, int viewportHeight) {
		float worldPerPixel = 2 * distance * (float) Math.tan(yfov / 2) / Math.max(1, viewportHeight);
		target.add(right().mul(-dxPixels * worldPerPixel)).add(up().mul(dyPixels * worldPerPixel));
	}

	/** Wheel: positive notches move towards the target, each by {@link #ZOOM_STEP}. */
	public void zoom(float notches) {
		float min = Math.max(1e-4f, sceneRadius * 1e-3f);
		distance = Math.max(min, distance * (float) Math.pow(ZOOM_STEP, notches));
	}

	/**
	 * Looks at the centre of the bounds ({minX, minY, minZ, maxX, maxY, maxZ}) from the current direction, from just
	 * far enough that all eight corners lie inside both fields of view with {@link #FRAME_MARGIN} to spare.
	 */
	public void frame(float[] bounds, float aspect) {
		frame(bounds, bounds, aspect);
	}

	/**
	 * Frames {@code bounds} (a part of the scene) as {@link #frame(float[], float)} does, while the near and far
	 * planes keep following the whole scene's bounds, so that framing a small part clips none of the rest.
	 */
	public void frame(float[] bounds, float[] scene, float aspect) {
		Vector3f min = new Vector3f(bounds[0], bounds[1], bounds[2]);
		Vector3f max = new Vector3f(bounds[3], bounds[4], bounds[5]);
		target.set(min).add(max).mul(0.5f);
		float radius = Math.max(max.distance(min) / 2, 1e-3f);
		sceneCentre.set(scene[0] + scene[3], scene[1] + scene[4], scene[2] + scene[5]).mul(0.5f);
		sceneRadius = Math.max(new Vector3f(scene[3], scene[4], scene[5]).distance(scene[0], scene[1], scene[2]) / 2, 1e-3f);
		float tanV = (float) Math.tan(yfov / 2) / FRAME_MARGIN;
		float tanH = tanV * aspect;
		Vector3f right = right();
		Vector3f up = up();
		Vector3f forward = forward();
		// a corner at offset c from the target is at depth d + c·forward; it fits when |c·right| ≤ depth tanH, |c·up| ≤ depth tanV
		float needed = radius * 1e-2f;
		for (int i = 0; i < 8; i++) {
			Vector3f c = new Vector3f((i & 1) == 0 ? min.x : max.x, (i & 2) == 0 ? min.y : max.y, (i & 4) == 0 ? min.z : max.z).sub(target);
			float along = c.dot(forward);
			needed = Math.max(needed, Math.abs(c.dot(right)) / tanH - along);
			needed = Math.max(needed, Math.abs(c.dot(up)) / tanV - along);
		}
		distance = needed;
	}

	/**
	 * The unit direction of the ray from the eye through a point of a viewport of the size given ({x, y} from the top
	 * left, as {@link #project} gives them): the inverse of {@link #project}, for picking.
	 */
	public Vector3f ray(float x, float y, int width, int height) {
		float tanV = (float) Math.tan(yfov / 2);
		float tanH = tanV * width / height;
		float ndcX = 2 * x / width - 1;
		float ndcY = 1 - 2 * y / height;
		return forward().add(right().mul(ndcX * tanH)).add(up().mul(ndcY * tanV)).normalize();
	}

	/** Takes a scene camera's position and direction; the target lies at the distance of the bounds' centre. */
	public void lookFrom(Camera camera, float[] bounds) {
		Vector3f eye = new Vector3f(camera.position());
		Vector3f f = new Vector3f(camera.forward()).normalize();
		Vector3f centre = new Vector3f(bounds[0] + bounds[3], bounds[1] + bounds[4], bounds[2] + bounds[5]).mul(0.5f);
		sceneRadius = Math.max(new Vector3f(bounds[3], bounds[4], bounds[5]).distance(bounds[0], bounds[1], bounds[2]) / 2, 1e-3f);
		sceneCentre.set(centre);
		float along = centre.sub(eye, new Vector3f()).dot(f);
		distance = along > 1e-3f ? along : sceneRadius;
		yfov = camera.yfov() > 0 ? camera.yfov() : yfov;
		pitch = Math.clamp((float) Math.asin(Math.clamp(-f.y, -1f, 1f)), -MAX_PITCH, MAX_PITCH);
		yaw = (float) Math.atan2(-f.x, -f.z);
		target.set(eye).add(forward().mul(distance)); // the eye stays where the camera was
	}

	/** The near plane: just short of the scene's bounding sphere (doubled), or a small fraction of the far plane inside it. */
	public float near() {
		return Math.max(eye().distance(sceneCentre) - 2 * sceneRadius, far() * 1e-4f);
	}

	/** The far plane: just beyond the scene's bounding sphere (doubled), wherever the target was panned to. */
	public float far() {
		return Math.max(eye().distance(sceneCentre) + 2 * sceneRadius, distance * 1.01f);
	}

	public Matrix4f view() {
		return new Matrix4f().lookAt(eye(), target, new Vector3f(0, 1, 0));
	}

	public Matrix4f projection(float aspect) {
		return new Matrix4f().perspective(yfov, aspect, near(), far());
	}

	public Matrix4f viewProjection(float aspect) {
		return projection(aspect).mul(view());
	}

	/**
	 * Where a world point lands in a viewport of the size given: {x, y} in pixels from the top left, or null when
	 * it is behind the eye.
	 */
	public float[] project(float[] world, int width, int height) {
		Vector4f clip = viewProjection(width / (float) height).transform(new Vector4f(world[0], world[1], world[2], 1));
		if (clip.w <= 0) {
			return null;
		}
		float x = clip.x / clip.w;
		float y = clip.y / clip.w;
		return new float[] { (x * 0.5f + 0.5f) * width, (0.5f - y * 0.5f) * height };
	}

	/** The scene camera the path tracer renders from. */
	public Camera toCamera(String name, float aspect) {
		Vector3f eye = eye();
		Vector3f f = forward();
		Vector3f u = up();
		return new Camera(name, new float[] { eye.x, eye.y, eye.z }, new float[] { f.x, f.y, f.z }, new float[] { u.x, u.y, u.z }, yfov, aspect, near(), far());
	}
}
