package dev.atelier.testing;

/**
 * How far an engine's output is from a reference: the largest absolute difference over the reference's standard
 * deviation, as the Stable Diffusion engine's checks against diffusers measure it (on the CPU in CI, on a GPU in
 * releng/gpu/SdCheck). A NaN anywhere counts as infinitely far.
 */
public record Spread(double largestDifference, double relative) {

	/** Throws IllegalArgumentException for arrays of different lengths. */
	public static Spread of(float[] want, float[] got) {
		if (want.length != got.length) {
			throw new IllegalArgumentException(got.length + " values, want " + want.length);
		}
		double mean = 0;
		for (float v : want) {
			mean += v / (double) want.length;
		}
		double var = 0;
		double max = 0;
		for (int i = 0; i < want.length; i++) {
			var += (want[i] - mean) * (want[i] - mean) / want.length;
			double d = Math.abs(want[i] - got[i]);
			max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(max, d);
		}
		return new Spread(max, max / Math.sqrt(var));
	}
}
