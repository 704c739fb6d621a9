package dev.atelier.diffusion.internal.scheduler;

import java.util.Objects;

/**
 * DDIMScheduler with eta 0: samples are sqrt(ac) * x0 + sqrt(1 - ac) * noise, and each step goes to the timestep
 * num_train_timesteps / steps lower (whatever the spacing, as diffusers does), below 0 to ac 1 with set_alpha_to_one
 * and to the first training step's ac without.
 */
final class DdimScheduler extends VariancePreservingScheduler {

	private record Levels(double[] timesteps, double[] alphas, double[] prevAlphas) {
	}

	/** ac at each step's timestep, and last the ac the final step lands on. */
	private final double[] alphas;
	/** ac each step lands on. */
	private final double[] prevAlphas;

	DdimScheduler(SchedulerConfig config, int steps) {
		this(config, steps, levels(config, steps));
	}

	private DdimScheduler(SchedulerConfig config, int steps, Levels levels) {
		super(config, steps, levels.timesteps(), sigmasOf(levels.alphas()));
		alphas = levels.alphas();
		prevAlphas = levels.prevAlphas();
	}

	private static Levels levels(SchedulerConfig config, int steps) {
		String spacing = config.timestepSpacing() == null ? "leading" : config.timestepSpacing();
		double[] t = Schedules.timesteps(config, steps, spacing, false, true);
		double[] ac = Schedules.alphasCumprod(config);
		double finalAlpha = config.setAlphaToOne() ? 1 : ac[0];
		int stride = config.numTrainTimesteps() / steps;
		double[] alphas = new double[steps + 1];
		double[] prev = new double[steps];
		for (int i = 0; i < steps; i++) {
			int now = (int) t[i];
			if (now < 0 || now >= ac.length) {
				throw new IllegalArgumentException("DDIM timestep " + now + " (steps_offset " + config.stepsOffset() + ") is outside the "
						+ ac.length + " training timesteps");
			}
			alphas[i] = ac[now];
			prev[i] = now - stride >= 0 ? ac[now - stride] : finalAlpha;
		}
		alphas[steps] = prev[steps - 1];
		return new Levels(t, alphas, prev);
	}

	private static double[] sigmasOf(double[] alphas) {
		double[] s = new double[alphas.length];
		for (int i = 0; i < s.length; i++) {
			s[i] = Math.sqrt((1 - alphas[i]) / alphas[i]);
		}
		return s;
	}

	@Override
	public void step(float[] modelOutput, int step, float[] sample, NoiseSource noise) {
		checkStep(step, modelOutput, sample);
		double a = Math.sqrt(alphas[step]);
		double b = Math.sqrt(1 - alphas[step]);
		double prevA = Math.sqrt(prevAlphas[step]);
		double prevB = Math.sqrt(1 - prevAlphas[step]);
		// next = prevA * x0 + prevB * eps, with x0 and eps linear in the sample and the model output
		if (vPrediction()) {
			// x0 = a * sample - b * v, eps = a * v + b * sample
			combine(prevA * a + prevB * b, sample, prevB * a - prevA * b, modelOutput, sample);
		} else {
			// x0 = (sample - b * eps) / a
			combine(prevA / a, sample, prevB - prevA * b / a, modelOutput, sample);
		}
	}

	@Override
	public void denoised(float[] modelOutput, int step, float[] sample, float[] out) {
		checkStep(step, modelOutput, sample);
		double a = Math.sqrt(alphas[step]);
		double b = Math.sqrt(1 - alphas[step]);
		if (vPrediction()) {
			combine(a, sample, -b, modelOutput, out);
		} else {
			combine(1 / a, sample, -b / a, modelOutput, out);
		}
	}

	@Override
	public void addNoise(float[] original, float[] noise, int step, float[] out) {
		Objects.checkIndex(step, steps + 1);
		checkLengths(original, noise);
		checkLengths(original, out);
		combine(Math.sqrt(alphas[step]), original, Math.sqrt(1 - alphas[step]), noise, out);
	}
}
