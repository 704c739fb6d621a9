package dev.atelier.viewport.ui.internal;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Texture;

/**
 * The radiance an {@link Environment} sends from a direction, as the path tracer reads it: the uniform colour times
 * the intensity, or the equirectangular map times the intensity (longitude along u from −Z through +X, latitude
 * along v from +Y down). Also bakes it into cube-map faces for the GPU.
 */
public final class EnvironmentRadiance {

	private final Environment environment;
	private final float[] texel = new float[4];

	public EnvironmentRadiance(Environment environment) {
		this.environment = environment;
	}

	/** Whether it sends no light at all. */
	public static boolean isBlack(Environment e) {
		if (e == null || e.intensity() <= 0) {
			return true;
		}
		if (e.equirect() == null) {
			return e.color()[0] <= 0 && e.color()[1] <= 0 && e.color()[2] <= 0;
		}
		for (float v : e.equirect().rgba()) {
			if (v > 0) {
				return false;
			}
		}
		return true;
	}

	/** Radiance towards the scene from unit direction (x, y, z) (where a ray going that way comes from), into out. */
	public void radiance(double x, double y, double z, float[] out) {
		float k = Math.max(0, environment.intensity());
		Texture map = environment.equirect();
		if (map == null) {
			for (int c = 0; c < 3; c++) {
				out[c] = Math.max(0, environment.color()[c] * k);
			}
			return;
		}
		double u = Math.atan2(x, -z) / (2 * Math.PI);
		if (u < 0) {
			u += 1;
		}
		double v = Math.acos(Math.clamp(y, -1, 1)) / Math.PI;
		synchronized (texel) {
			map.sample((float) u, (float) v, texel);
			for (int c = 0; c < 3; c++) {
				out[c] = Math.max(0, texel[c] * k);
			}
		}
	}

	/**
	 * Six faces of {@code size}² RGB texels each (GL's face order, rows from t = 0), each texel the mean of 2 × 2
	 * directions inside it.
	 */
	public float[][] cubeFaces(int size) {
		float[][] faces = new float[6][size * size * 3];
		double[] d = new double[3];
		float[] rgb = new float[3];
		for (int f = 0; f < 6; f++) {
			for (int j = 0; j < size; j++) {
				for (int i = 0; i < size; i++) {
					float r = 0, g = 0, b = 0;
					for (int sub = 0; sub < 4; sub++) {
						CubeFaces.direction(f, (i + 0.25 + 0.5 * (sub & 1)) / size, (j + 0.25 + 0.5 * (sub >> 1)) / size, d);
						radiance(d[0], d[1], d[2], rgb);
						r += rgb[0];
						g += rgb[1];
						b += rgb[2];
					}
					int o = (j * size + i) * 3;
					faces[f][o] = r / 4;
					faces[f][o + 1] = g / 4;
					faces[f][o + 2] = b / 4;
				}
			}
		}
		return faces;
	}
}
