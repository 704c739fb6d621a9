package dev.atelier.diffusion.internal.scheduler;

import java.util.Objects;

/**
 * DPMSolverMultistepScheduler as Stable Diffusion UIs configure it: solver order 2, dpmsolver++ (the model output
 * turned into x0), midpoint, lower_order_final, final sigma 0; {@code karras} adds use_karras_sigmas. Samples are
 * alpha * x0 + sigma_t * noise with alpha = 1 / sqrt(sigma^2 + 1), sigma_t = sigma * alpha and lambda = log(alpha / sigma_t).
 * The first step is first order for want of history; so is the last whatever the step count (diffusers does so
 * whenever the final sigma is 0, where the second-order term is undefined), which covers lower_order_final.
 */
final class DpmSolverScheduler extends VariancePreservingScheduler {

	private record Schedule(double[] timesteps, double[] sigmas) {
	}

	private float[] denoised;
	private float[] previous;
	private int lastStep = -1;

	DpmSolverScheduler(SchedulerConfig config, int steps, boolean karras) {
		this(config, steps, karras ? karras(config, steps) : interpolated(config, steps));
	}

	private DpmSolverScheduler(SchedulerConfig config, int steps, Schedule schedule) {
		super(config, steps, schedule.timesteps(), schedule.sigmas());
	}

	private static Schedule interpolated(SchedulerConfig config, int steps) {
		String spacing = config.timestepSpacing() == null ? "linspace" : config.timestepSpacing();
		double[] t = Schedules.timesteps(config, steps, spacing, true, true);
		double[] table = Schedules.sigmas(Schedules.alphasCumprod(config));
		double[] s = new double[steps + 1];
		for (int i = 0; i < steps; i++) {
			s[i] = Schedules.interp(t[i], table);
		}
		return new Schedule(t, s);
	}

	/** Karras sigmas between the training table's ends, each mapped back to a timestep by log sigma. */
	private static Schedule karras(SchedulerConfig config, int steps) {
		double[] table = Schedules.sigmas(Schedules.alphasCumprod(config));
		double[] logTable = new double[table.length];
		for (int i = 0; i < table.length; i++) {
			logTable[i] = Math.log(table[i]);
		}
		double[] k = Schedules.karras(table[0], table[table.length - 1], steps);
		double[] t = new double[steps];
		double[] s = new double[steps + 1];
		boolean cosine = config.betaSchedule().equals("squaredcos_cap_v2");
		for (int i = 0; i < steps; i++) {
			double exact = Schedules.sigmaToT(k[i], logTable);
			// diffusers rounds these except for cosine schedules, whose values it then stores as integers, truncated
			t[i] = cosine ? Math.floor(exact) : Math.rint(exact);
			s[i] = k[i];
		}
		return new Schedule(t, s);
	}

	@Override
	public void denoised(float[] modelOutput, int step, float[] sample, float[] out) {
		checkStep(step, modelOutput, sample);
		double s = sigmas[step];
		double alpha = 1 / Math.sqrt(s * s + 1);
		if (vPrediction()) {
			combine(alpha, sample, -s * alpha, modelOutput, out);
		} else {
			// (sample - sigma_t * eps) / alpha
			combine(1 / alpha, sample, -s, modelOutput, out);
		}
	}

	@Override
	public void step(float[] modelOutput, int step, float[] sample, NoiseSource noise) {
		checkStep(step, modelOutput, sample);
		if (lastStep >= 0 && step != lastStep + 1) {
			throw new IllegalStateException("DPM++ steps must follow each other: " + (lastStep + 1) + " is next, not " + step);
		}
		double s = sigmas[step];
		double next = sigmas[step + 1];
		double alpha = 1 / Math.sqrt(s * s + 1);
		double alphaNext = 1 / Math.sqrt(next * next + 1);
		if (denoised == null || denoised.length != sample.length) {
			denoised = new float[sample.length];
		}
		denoised(modelOutput, step, sample, denoised);
		// lambda = -log(sigma): h is infinite for the final sigma 0, where keep is 0 and take 1, landing on x0
		double h = Math.log(s) - Math.log(next);
		double keep = next * alphaNext / (s * alpha);
		double take = -alphaNext * Math.expm1(-h);
		if (lastStep < 0 || step == steps - 1) {
			combine(keep, sample, take, denoised, sample);
		} else {
			double r = (Math.log(sigmas[step - 1]) - Math.log(s)) / h;
			double now = take * (1 + 0.5 / r);
			double before = -take * 0.5 / r;
			for (int i = 0; i < sample.length; i++) {
				sample[i] = (float) (keep * sample[i] + now * denoised[i] + before * previous[i]);
			}
		}
		float[] swap = previous;
		previous = denoised;
		denoised = swap;
		lastStep = step;
	}

	@Override
	public void addNoise(float[] original, float[] noise, int step, float[] out) {
		Objects.checkIndex(step, steps + 1);
		checkLengths(original, noise);
		checkLengths(original, out);
		double alpha = 1 / Math.sqrt(sigmas[step] * sigmas[step] + 1);
		combine(alpha, original, sigmas[step] * alpha, noise, out);
	}
}
