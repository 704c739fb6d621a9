package dev.atelier.diffusion.engine;

/**
 * AUTOMATIC1111's prompt emphasis ("Original"), applied to one text encoder's states of one 77-token chunk: each token's
 * states are multiplied by its weight, then all of them by the one factor that gives back the states' original mean.
 */
public final class Emphasis {

	private Emphasis() {
	}

	/**
	 * The emphasised states ({@code [tokens][width]}, row-major) for a weight per token; the states themselves where every
	 * weight is 1 (the rule changes nothing then) or the weighted mean is 0 (nothing to scale back to).
	 */
	public static float[] apply(float[] states, float[] weights) {
		if (weights.length == 0 || states.length % weights.length != 0) {
			throw new IllegalArgumentException(weights.length + " token weights for " + states.length + " state values");
		}
		boolean plain = true;
		for (float w : weights) {
			plain &= w == 1;
		}
		if (plain) {
			return states;
		}
		int width = states.length / weights.length;
		float[] out = new float[states.length];
		double before = 0;
		double after = 0;
		for (int i = 0; i < states.length; i++) {
			out[i] = states[i] * weights[i / width];
			before += states[i];
			after += out[i];
		}
		if (after == 0) {
			return out;
		}
		float scale = (float) (before / after);
		for (int i = 0; i < out.length; i++) {
			out[i] *= scale;
		}
		return out;
	}
}
