package dev.atelier.viewport.internal.gltf;

import java.util.Optional;
import java.util.function.Consumer;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Vec;

/**
 * glTF cameras placed by their nodes: at the node's origin, looking down its −Z with +Y up. The scene's cameras are
 * perspective only, so an orthographic camera is left out with a note rather than failing the whole file or being
 * passed off as a perspective one; renderers fall back to their own view.
 */
final class Cameras {

	private final Json cameras;
	private final Consumer<String> notes;

	Cameras(GltfDocument doc, Consumer<String> notes) throws GltfException {
		this.cameras = doc.root().get("cameras");
		this.notes = notes;
	}

	/** The camera node {@code node} carries ({@code ref} its camera property) under the node's world transform. */
	Optional<Camera> place(Json ref, Json node, Transform world) throws GltfException {
		Json camera = cameras.element(ref.asIndex(cameras.size(), "cameras"));
		Json type = camera.get("type");
		switch (type.asString()) {
		case "perspective":
			break;
		case "orthographic":
			notes.accept(camera.note("is orthographic and left out: the scene's cameras are perspective"));
			return Optional.empty();
		default:
			throw type.error("'" + type.asString() + "' is neither perspective nor orthographic");
		}
		Json p = camera.get("perspective").required();
		float yfov = p.get("yfov").asFloat();
		if (!(yfov > 0 && yfov < Math.PI)) {
			throw p.get("yfov").error(yfov + " is not between 0 and π");
		}
		float znear = p.get("znear").asFloat();
		if (!(znear > 0)) {
			throw p.get("znear").error(znear + " is not positive");
		}
		// Without zfar the projection is infinite.
		float zfar = p.number("zfar", Float.POSITIVE_INFINITY);
		if (!(zfar > znear)) {
			throw p.get("zfar").error(zfar + " is not beyond znear " + znear);
		}
		// Without aspectRatio the camera follows the image, which the scene's Camera says with 0.
		float aspect = p.number("aspectRatio", 0);
		if (p.get("aspectRatio").present() && !(aspect > 0)) {
			throw p.get("aspectRatio").error(aspect + " is not positive");
		}
		float[] forward = world.unitDirection(0, 0, -1);
		float[] up = world.unitDirection(0, 1, 0);
		float[] right = forward == null || up == null ? null : Vec.cross(forward, up);
		if (right == null || Vec.dot(right, right) < 1e-12f) {
			throw node.error("its transform collapses the view of " + camera.path());
		}
		// Shear or non-uniform scale can tilt +Y off the view's normal plane; the Camera wants them orthogonal.
		up = Vec.normalize(Vec.cross(Vec.normalize(right), forward));
		String name = camera.string("name", node.string("name", camera.path()));
		return Optional.of(new Camera(name, world.origin(), forward, up, yfov, aspect, znear, zfar));
	}
}
