package dev.atelier.diffusion.internal.scheduler;

import java.util.Objects;

/** The step count, timesteps and sigmas every scheduler has, and the argument checks. */
abstract class AbstractScheduler implements Scheduler {

	protected final SchedulerConfig config;
	protected final int steps;
	protected final double[] timesteps;
	protected final double[] sigmas;

	AbstractScheduler(SchedulerConfig config, int steps, double[] timesteps, double[] sigmas) {
		this.config = config;
		this.steps = steps;
		this.timesteps = timesteps;
		this.sigmas = sigmas;
	}

	@Override
	public int steps() {
		return steps;
	}

	@Override
	public double[] timesteps() {
		return timesteps.clone();
	}

	@Override
	public double[] sigmas() {
		return sigmas.clone();
	}

	protected final boolean vPrediction() {
		return config.predictionType().equals("v_prediction");
	}

	protected final void checkStep(int step, float[] a, float[] b) {
		Objects.checkIndex(step, steps);
		checkLengths(a, b);
	}

	protected static void checkLengths(float[] a, float[] b) {
		if (a.length != b.length) {
			throw new IllegalArgumentException("arrays of different lengths: " + a.length + " and " + b.length);
		}
	}

	protected static void scale(double factor, float[] sample, float[] out) {
		for (int i = 0; i < out.length; i++) {
			out[i] = (float) (factor * sample[i]);
		}
	}

	/** x * sample + m * other into out: coefficients stay double, each element is rounded to float once. */
	protected static void combine(double x, float[] sample, double m, float[] other, float[] out) {
		for (int i = 0; i < out.length; i++) {
			out[i] = (float) (x * sample[i] + m * other[i]);
		}
	}
}
