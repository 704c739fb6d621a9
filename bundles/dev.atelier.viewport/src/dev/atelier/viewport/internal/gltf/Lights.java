package dev.atelier.viewport.internal.gltf;

import dev.atelier.viewport.scene.Light;

/**
 * KHR_lights_punctual lights placed by their nodes: at the node's origin, shining down its −Z. Position and direction
 * are both set for every type (the renderer uses what the type needs); range, intensity and cone angles are not
 * scaled by the node, as the extension says.
 */
final class Lights {

	private final Json lights;

	Lights(GltfDocument doc) throws GltfException {
		this.lights = doc.root().get("extensions").get("KHR_lights_punctual").get("lights");
	}

	/** The light node {@code node} carries ({@code ref} its light property) under the node's world transform. */
	Light place(Json ref, Json node, Transform world) throws GltfException {
		Json light = lights.element(ref.asIndex(lights.size(), "lights"));
		Json typeJson = light.get("type");
		Light.Type type = switch (typeJson.asString()) {
		case "point" -> Light.Type.POINT;
		case "spot" -> Light.Type.SPOT;
		case "directional" -> Light.Type.DIRECTIONAL;
		default -> throw typeJson.error("'" + typeJson.asString() + "' is not point, spot or directional");
		};
		float intensity = light.number("intensity", 1);
		if (intensity < 0) {
			throw light.get("intensity").error(intensity + " is negative");
		}
		float range = light.number("range", 0);
		if (light.get("range").present() && !(range > 0)) {
			throw light.get("range").error(range + " is not positive");
		}
		float inner = 0;
		float outer = 0;
		if (type == Light.Type.SPOT) {
			Json spot = light.get("spot").required();
			inner = spot.number("innerConeAngle", 0);
			outer = spot.number("outerConeAngle", (float) (Math.PI / 4));
			if (!(0 <= inner && inner < outer && outer <= Math.PI / 2 + 1e-6)) {
				throw spot.error("cone angles " + inner + " and " + outer + " are not 0 ≤ inner < outer ≤ π/2");
			}
		}
		float[] direction = world.unitDirection(0, 0, -1);
		if (direction == null) {
			throw node.error("its transform collapses the direction of " + light.path());
		}
		String name = light.string("name", node.string("name", light.path()));
		return new Light(name, type, light.numbers("color", 1, 1, 1), intensity, world.origin(), direction, range, inner, outer);
	}
}
