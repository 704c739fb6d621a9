package dev.atelier.diffusion.internal.scheduler;

import java.util.Objects;

/**
 * The k-diffusion family (Euler, Euler a, LMS): samples are x0 + sigma * noise, with sigmas interpolated linearly in t
 * from the training table and a final 0; the UNet sees samples scaled to unit variance, by 1 / sqrt(sigma^2 + 1).
 */
abstract class SigmaScheduler extends AbstractScheduler {

	/** The derivative (sample - x0) / sigma of a step as sample * sample + model * modelOutput. */
	protected record Derivative(double sample, double model) {
	}

	private final double initNoiseSigma;

	SigmaScheduler(SchedulerConfig config, int steps) {
		this(config, steps, Schedules.timesteps(config, steps, spacing(config), false, false));
	}

	private SigmaScheduler(SchedulerConfig config, int steps, double[] timesteps) {
		super(config, steps, timesteps, interpolatedSigmas(config, timesteps));
		double max = 0;
		for (double s : sigmas) {
			max = Math.max(max, s);
		}
		// leading spacing's first timestep is not the last training one, so diffusers starts from a variance-preserving level
		initNoiseSigma = spacing(config).equals("leading") ? Math.sqrt(max * max + 1) : max;
	}

	private static String spacing(SchedulerConfig config) {
		return config.timestepSpacing() == null ? "linspace" : config.timestepSpacing();
	}

	private static double[] interpolatedSigmas(SchedulerConfig config, double[] timesteps) {
		double[] table = Schedules.sigmas(Schedules.alphasCumprod(config));
		double[] s = new double[timesteps.length + 1];
		for (int i = 0; i < timesteps.length; i++) {
			s[i] = Schedules.interp(timesteps[i], table);
		}
		return s;
	}

	@Override
	public double initNoiseSigma() {
		return initNoiseSigma;
	}

	@Override
	public void scaleModelInput(float[] sample, int step, float[] out) {
		checkStep(step, sample, out);
		scale(1 / Math.sqrt(sigmas[step] * sigmas[step] + 1), sample, out);
	}

	@Override
	public void addNoise(float[] original, float[] noise, int step, float[] out) {
		Objects.checkIndex(step, steps + 1);
		checkLengths(original, noise);
		checkLengths(original, out);
		combine(1, original, sigmas[step], noise, out);
	}

	@Override
	public void denoised(float[] modelOutput, int step, float[] sample, float[] out) {
		checkStep(step, modelOutput, sample);
		Derivative d = derivative(step);
		double s = sigmas[step];
		// x0 = sample - sigma * derivative
		combine(1 - s * d.sample(), sample, -s * d.model(), modelOutput, out);
	}

	protected final Derivative derivative(int step) {
		double s = sigmas[step];
		if (vPrediction()) {
			// from x0 = v * -s / sqrt(s^2 + 1) + sample / (s^2 + 1)
			return new Derivative(s / (s * s + 1), 1 / Math.sqrt(s * s + 1));
		}
		return new Derivative(0, 1);
	}
}
