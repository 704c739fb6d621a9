package dev.atelier.viewport.internal.trace;

import dev.atelier.viewport.scene.Texture;

/**
 * Bilinear texture lookups in {@link FlatScene#texels}: {@link Texture#bilinear} on the flat table the GPU also reads,
 * whose wrap codes are the ordinals of {@link Texture.Wrap}.
 */
final class Texels {

	private static final Texture.Wrap[] WRAPS = Texture.Wrap.values();

	private Texels() {
	}

	/** Samples texture {@code texture} at (u, v) into {@code out[0..3]}. */
	static void sample(float[] texels, int[] textures, int texture, float u, float v, float[] out) {
		int t = texture * FlatScene.TEXTURE_STRIDE;
		Texture.bilinear(texels, textures[t], textures[t + 1], textures[t + 2], WRAPS[textures[t + 3] & 15], WRAPS[textures[t + 3] >>> 4], u, v, out);
	}
}
