package dev.atelier.diffusion.internal.scheduler;

import java.util.Objects;

/** EulerDiscreteScheduler, or with {@code ancestral} EulerAncestralDiscreteScheduler (eta 1). */
final class EulerScheduler extends SigmaScheduler {

	private final boolean ancestral;
	private float[] drawn;

	EulerScheduler(SchedulerConfig config, int steps, boolean ancestral) {
		super(config, steps);
		this.ancestral = ancestral;
	}

	@Override
	public void step(float[] modelOutput, int step, float[] sample, NoiseSource noise) {
		checkStep(step, modelOutput, sample);
		double s = sigmas[step];
		double next = sigmas[step + 1];
		double up = 0;
		double to = next;
		if (ancestral) {
			// step down below the next level, then add fresh noise back up to it
			up = Math.sqrt(next * next * (s * s - next * next) / (s * s));
			to = Math.sqrt(Math.max(next * next - up * up, 0));
		}
		Derivative d = derivative(step);
		double dt = to - s;
		double x = 1 + dt * d.sample();
		double m = dt * d.model();
		if (up == 0) {
			combine(x, sample, m, modelOutput, sample);
			return;
		}
		Objects.requireNonNull(noise, "Euler a needs a noise source");
		if (drawn == null || drawn.length != sample.length) {
			drawn = new float[sample.length];
		}
		noise.fill(drawn);
		for (int i = 0; i < sample.length; i++) {
			sample[i] = (float) (x * sample[i] + m * modelOutput[i] + up * drawn[i]);
		}
	}
}
