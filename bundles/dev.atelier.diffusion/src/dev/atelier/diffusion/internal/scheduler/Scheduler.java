package dev.atelier.diffusion.internal.scheduler;

import dev.atelier.diffusion.Sampler;
import java.util.Objects;

/**
 * One generation's scheduler, following the diffusers class of its {@link Sampler}: stateful (multistep history), so
 * create one per run. Samples are the whole batch's float32 latents [B, 4, h, w] flattened; every method works element
 * by element, so any length works. Step indices run from 0 (or {@link #startStep}) to {@link #steps()} - 1, in order.
 */
public interface Scheduler {

	/** A scheduler for {@code steps} UNet calls, 1 to the config's training timesteps. */
	static Scheduler create(Sampler sampler, SchedulerConfig config, int steps) {
		Objects.requireNonNull(sampler, "sampler");
		Objects.requireNonNull(config, "config");
		if (steps < 1 || steps > config.numTrainTimesteps()) {
			throw new IllegalArgumentException("steps must be between 1 and " + config.numTrainTimesteps() + ", not " + steps);
		}
		return switch (sampler) {
		case EULER -> new EulerScheduler(config, steps, false);
		case EULER_A -> new EulerScheduler(config, steps, true);
		case LMS -> new LmsScheduler(config, steps);
		case DDIM -> new DdimScheduler(config, steps);
		case DPMPP_2M -> new DpmSolverScheduler(config, steps, false);
		case DPMPP_2M_KARRAS -> new DpmSolverScheduler(config, steps, true);
		};
	}

	/** The number of UNet calls. */
	int steps();

	/** The timestep passed to the UNet at each step index. */
	double[] timesteps();

	/**
	 * The noise level sqrt((1 - ac) / ac) at each step and after the last: steps + 1 values, the last 0 except for DDIM,
	 * whose last is the level its final step lands on.
	 */
	double[] sigmas();

	/** What unit noise is multiplied by for txt2img's start latents. */
	double initNoiseSigma();

	/** The UNet's input for {@code sample} at {@code step}; {@code out} may be {@code sample}. */
	void scaleModelInput(float[] sample, int step, float[] out);

	/**
	 * Updates {@code sample} in place to the next step's latent from the UNet's output at {@code step}. Only ancestral
	 * samplers draw from {@code noise}; the others accept null.
	 */
	void step(float[] modelOutput, int step, float[] sample, NoiseSource noise);

	/**
	 * The model's estimate of the clean latent x0 at {@code step} (for previews), from the same output {@link #step}
	 * takes; it does not change the scheduler's state.
	 */
	void denoised(float[] modelOutput, int step, float[] sample, float[] out);

	/** img2img: {@code original} noised to the level of {@code step} (0 to steps); {@code out} may be {@code original}. */
	void addNoise(float[] original, float[] noise, int step, float[] out);

	/**
	 * img2img's first step for a strength in (0, 1], by diffusers' rule: floor(steps * strength) steps are run, the last
	 * ones. It is {@link #steps()}, nothing to run, when the strength is below one step's worth.
	 */
	default int startStep(double strength) {
		if (!(strength > 0 && strength <= 1)) {
			throw new IllegalArgumentException("strength must be in (0, 1], not " + strength);
		}
		return steps() - Math.min((int) Math.floor(steps() * strength), steps());
	}
}
