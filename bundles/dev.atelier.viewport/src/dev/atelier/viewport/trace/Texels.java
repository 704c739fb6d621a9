package dev.atelier.viewport.trace;

/**
 * Bilinear texture lookups in {@link FlatScene#texels}: the same arithmetic as
 * {@link dev.atelier.viewport.scene.Texture#sample}, on the flat table the GPU also reads.
 */
final class Texels {

	private static final int REPEAT = 0;
	private static final int CLAMP = 1;

	private Texels() {
	}

	/** Samples texture {@code texture} at (u, v) into {@code out[0..3]}. */
	static void sample(float[] texels, int[] textures, int texture, float u, float v, float[] out) {
		int t = texture * FlatScene.TEXTURE_STRIDE;
		int offset = textures[t];
		int width = textures[t + 1];
		int height = textures[t + 2];
		int wrapS = textures[t + 3] & 15;
		int wrapT = textures[t + 3] >>> 4;
		float x = u * width - 0.5f;
		float y = v * height - 0.5f;
		int x0 = (int) Math.floor(x);
		int y0 = (int) Math.floor(y);
		float fx = x - x0;
		float fy = y - y0;
		int ax = wrap(x0, width, wrapS);
		int bx = wrap(x0 + 1, width, wrapS);
		int ay = wrap(y0, height, wrapT);
		int by = wrap(y0 + 1, height, wrapT);
		int p00 = offset + (ay * width + ax) * 4;
		int p01 = offset + (ay * width + bx) * 4;
		int p10 = offset + (by * width + ax) * 4;
		int p11 = offset + (by * width + bx) * 4;
		for (int c = 0; c < 4; c++) {
			float top = texels[p00 + c] * (1 - fx) + texels[p01 + c] * fx;
			float bottom = texels[p10 + c] * (1 - fx) + texels[p11 + c] * fx;
			out[c] = top * (1 - fy) + bottom * fy;
		}
	}

	private static int wrap(int i, int n, int mode) {
		if (mode == REPEAT) {
			return Math.floorMod(i, n);
		}
		if (mode == CLAMP) {
			return Math.clamp(i, 0, n - 1);
		}
		int period = Math.floorMod(i, 2 * n);
		return period < n ? period : 2 * n - 1 - period;
	}
}
