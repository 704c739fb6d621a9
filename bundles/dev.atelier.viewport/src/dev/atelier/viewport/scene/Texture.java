package dev.atelier.viewport.scene;

import java.util.Objects;

/**
 * An image a material samples: linear RGBA floats, row-major from the top-left texel. Colour textures (base colour,
 * emissive) are decoded from sRGB when loaded; data textures (normal, metallic-roughness, occlusion) are kept as
 * stored. Sampling is bilinear with the texture's wrap modes, texture coordinates as glTF defines them (v down).
 */
public record Texture(String name, int width, int height, float[] rgba, Wrap wrapS, Wrap wrapT) {

	public enum Wrap {
		REPEAT, CLAMP_TO_EDGE, MIRRORED_REPEAT
	}

	public Texture {
		Objects.requireNonNull(name, "name");
		if (width < 1 || height < 1 || rgba.length != 4L * width * height) {
			throw new IllegalArgumentException("texture '" + name + "': " + width + "x" + height + " needs " + 4L * width * height + " floats, not " + rgba.length);
		}
	}

	/** Bilinear sample at (u, v) into {@code out[0..3]}. */
	public void sample(float u, float v, float[] out) {
		bilinear(rgba, 0, width, height, wrapS, wrapT, u, v, out);
	}

	/**
	 * The bilinear lookup itself, on RGBA texels starting at {@code offset} of a larger table (the path tracer's
	 * flat scene keeps every texture in one array).
	 */
	public static void bilinear(float[] texels, int offset, int width, int height, Wrap wrapS, Wrap wrapT, float u, float v, float[] out) {
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

	private static int wrap(int i, int n, Wrap mode) {
		return switch (mode) {
		case REPEAT -> Math.floorMod(i, n);
		case CLAMP_TO_EDGE -> Math.clamp(i, 0, n - 1);
		case MIRRORED_REPEAT -> {
			int period = Math.floorMod(i, 2 * n);
			yield period < n ? period : 2 * n - 1 - period;
		}
		};
	}
}
