package dev.atelier.diffusion.internal.scheduler;

/**
 * Schedulers whose samples are alpha * x0 + sigma_t * noise (DDIM, DPM++): pure noise starts at unit variance and the
 * UNet takes the sample as it is.
 */
abstract class VariancePreservingScheduler extends AbstractScheduler {

	VariancePreservingScheduler(SchedulerConfig config, int steps, double[] timesteps, double[] sigmas) {
		super(config, steps, timesteps, sigmas);
	}

	@Override
	public double initNoiseSigma() {
		return 1;
	}

	@Override
	public void scaleModelInput(float[] sample, int step, float[] out) {
		checkStep(step, sample, out);
		if (out != sample) {
			System.arraycopy(sample, 0, out, 0, sample.length);
		}
	}
}
