package dev.atelier.viewport.internal.trace;

import dev.atelier.core.outputs.RgbImage;

/** Linear radiance to displayable 8-bit sRGB: exposure in stops, a tone curve, the sRGB transfer function. */
public final class Tonemap {

	public enum Curve {
		/** Clip at 1. */
		CLAMP,
		/** Narkowicz's 2015 fit of the ACES filmic curve, per channel. */
		ACES
	}

	private Tonemap() {
	}

	/** Packed 0xFFRRGGBB pixels, row-major from the top left. */
	public static int[] toArgb(Image image, float exposure, Curve curve) {
		float scale = (float) Math.pow(2, exposure);
		float[] rgb = image.rgb();
		int[] argb = new int[image.width() * image.height()];
		for (int i = 0; i < argb.length; i++) {
			int r = encode(curve(rgb[3 * i] * scale, curve));
			int g = encode(curve(rgb[3 * i + 1] * scale, curve));
			int b = encode(curve(rgb[3 * i + 2] * scale, curve));
			argb[i] = 0xFF000000 | r << 16 | g << 8 | b;
		}
		return argb;
	}

	public static RgbImage toRgbImage(Image image, float exposure, Curve curve) {
		return RgbImage.wrap(image.width(), image.height(), toArgb(image, exposure, curve));
	}

	/** A linear value in [0, 1] (clamped) to an 8-bit sRGB code, rounded to nearest. */
	static int encode(float linear) {
		float v = Math.clamp(linear, 0f, 1f);
		float srgb = v <= 0.0031308f ? 12.92f * v : 1.055f * (float) Math.pow(v, 1 / 2.4) - 0.055f;
		return (int) (srgb * 255 + 0.5f);
	}

	private static float curve(float x, Curve curve) {
		if (!(x > 0)) {
			return 0;
		}
		if (curve == Curve.CLAMP) {
			return x;
		}
		return x * (2.51f * x + 0.03f) / (x * (2.43f * x + 0.59f) + 0.14f);
	}
}
