package dev.atelier.viewport.scene;

/**
 * A punctual light of KHR_lights_punctual in world space. Point and spot lights have a position, directional and spot
 * lights a unit direction (the way light travels). Intensity is in candela (point, spot) or lux (directional).
 *
 * @param range      0 for infinite
 * @param innerCone  spot lights' inner cone angle in radians
 * @param outerCone  spot lights' outer cone angle in radians
 */
public record Light(String name, Type type, float[] color, float intensity, float[] position, float[] direction, float range, float innerCone,
		float outerCone) {

	public enum Type {
		POINT, SPOT, DIRECTIONAL
	}
}
