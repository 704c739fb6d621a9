package dev.atelier.viewport.scene;

/**
 * What a ray that leaves the scene sees: a uniform radiance, or an equirectangular map (longitude along u from −Z
 * through +X, latitude along v from +Y down) times {@code intensity}.
 */
public record Environment(float[] color, Texture equirect, float intensity) {

	public static Environment uniform(float r, float g, float b) {
		return new Environment(new float[] { r, g, b }, null, 1);
	}

	public static Environment black() {
		return uniform(0, 0, 0);
	}
}
