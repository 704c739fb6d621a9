package dev.atelier.viewport.ui.internal;

/**
 * Diffuse irradiance by spherical harmonics (Ramamoorthi and Hanrahan 2001): the environment's radiance projected
 * onto the nine real SH basis functions of bands 0 to 2, and the irradiance E(n) those coefficients give after
 * convolution with the clamped cosine. The shader's {@code irradiance} evaluates the same sum. Coefficients are
 * RGB, in the order Y₀₀, Y₁₋₁ (y), Y₁₀ (z), Y₁₁ (x), Y₂₋₂ (xy), Y₂₋₁ (yz), Y₂₀ (3z² − 1), Y₂₁ (xz), Y₂₂ (x² − y²).
 */
public final class SphericalHarmonics {

	/** The cosine lobe's convolution factors per band. */
	private static final double[] BAND = { Math.PI, 2 * Math.PI / 3, Math.PI / 4 };

	private SphericalHarmonics() {
	}

	/** The nine basis functions at unit direction (x, y, z). */
	static void basis(double x, double y, double z, double[] out) {
		out[0] = 0.282095;
		out[1] = 0.488603 * y;
		out[2] = 0.488603 * z;
		out[3] = 0.488603 * x;
		out[4] = 1.092548 * x * y;
		out[5] = 1.092548 * y * z;
		out[6] = 0.315392 * (3 * z * z - 1);
		out[7] = 1.092548 * x * z;
		out[8] = 0.546274 * (x * x - y * y);
	}

	/** Projects cube faces (as {@link EnvironmentRadiance#cubeFaces} makes them) to 27 floats: 9 RGB coefficients. */
	public static float[] project(float[][] faces, int size) {
		double[] sh = new double[27];
		double[] d = new double[3];
		double[] y = new double[9];
		for (int f = 0; f < 6; f++) {
			for (int j = 0; j < size; j++) {
				for (int i = 0; i < size; i++) {
					CubeFaces.direction(f, (i + 0.5) / size, (j + 0.5) / size, d);
					double w = CubeFaces.texelSolidAngle(i, j, size);
					basis(d[0], d[1], d[2], y);
					int o = (j * size + i) * 3;
					for (int k = 0; k < 9; k++) {
						for (int c = 0; c < 3; c++) {
							sh[k * 3 + c] += faces[f][o + c] * y[k] * w;
						}
					}
				}
			}
		}
		float[] out = new float[27];
		for (int k = 0; k < 27; k++) {
			out[k] = (float) sh[k];
		}
		return out;
	}

	/** Irradiance (RGB) on a surface facing unit direction n; never negative. */
	public static float[] irradiance(float[] sh, double x, double y, double z) {
		double[] basis = new double[9];
		basis(x, y, z, basis);
		float[] e = new float[3];
		for (int c = 0; c < 3; c++) {
			double sum = 0;
			for (int k = 0; k < 9; k++) {
				int band = k == 0 ? 0 : k < 4 ? 1 : 2;
				sum += BAND[band] * sh[k * 3 + c] * basis[k];
			}
			e[c] = (float) Math.max(0, sum);
		}
		return e;
	}
}
