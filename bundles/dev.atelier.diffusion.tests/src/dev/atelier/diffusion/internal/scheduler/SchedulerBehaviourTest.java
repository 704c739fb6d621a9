package dev.atelier.diffusion.internal.scheduler;

import dev.atelier.diffusion.Sampler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What sampling with a perfect denoiser, img2img's start and the argument checks must do, for every sampler. */
class SchedulerBehaviourTest {

	private static final int LENGTH = 4 * 8 * 8;
	/** SD 1.5's schedule with DDIM's last step landing on ac 1, so that DDIM too ends on x0. */
	private static final SchedulerConfig SD15_TO_ZERO = new SchedulerConfig(1000, 0.00085, 0.012, "scaled_linear", "epsilon", null, 1, true);

	private static SchedulerConfig vPrediction(SchedulerConfig c) {
		return new SchedulerConfig(c.numTrainTimesteps(), c.betaStart(), c.betaEnd(), c.betaSchedule(), "v_prediction", c.timestepSpacing(),
				c.stepsOffset(), c.setAlphaToOne());
	}

	private static float[] gaussian(long seed) {
		Random random = new Random(seed);
		float[] x = new float[LENGTH];
		for (int i = 0; i < LENGTH; i++) {
			x[i] = (float) random.nextGaussian();
		}
		return x;
	}

	private static float[] dataPoint() {
		float[] x0 = gaussian(7);
		for (int i = 0; i < LENGTH; i++) {
			x0[i] = (float) Math.tanh(x0[i]) * 1.5f;
		}
		return x0;
	}

	/**
	 * The UNet output that predicts x0 exactly: the scaled input is sqrt(ac) * x0 + sqrt(1 - ac) * eps at the step's
	 * sigma for every sampler, so eps follows; v = sqrt(ac) * eps - sqrt(1 - ac) * x0.
	 */
	private static void perfectDenoiser(float[] input, double sigma, float[] x0, boolean v, float[] out) {
		double a = 1 / Math.sqrt(sigma * sigma + 1);
		double b = sigma * a;
		for (int i = 0; i < input.length; i++) {
			double eps = (input[i] - a * x0[i]) / b;
			out[i] = (float) (v ? a * eps - b * x0[i] : eps);
		}
	}

	private static float[] run(Scheduler s, float[] sample, int start, float[] x0, boolean v, NoiseSource noise) {
		float[] input = new float[sample.length];
		float[] output = new float[sample.length];
		double[] sigmas = s.sigmas();
		for (int step = start; step < s.steps(); step++) {
			s.scaleModelInput(sample, step, input);
			perfectDenoiser(input, sigmas[step], x0, v, output);
			s.step(output, step, sample, noise);
		}
		return sample;
	}

	private static float[] pureNoise(Scheduler s) {
		float[] x = gaussian(42);
		for (int i = 0; i < LENGTH; i++) {
			x[i] *= (float) s.initNoiseSigma();
		}
		return x;
	}

	private static void assertNear(float[] expected, float[] actual, double tolerance, String what) {
		for (int i = 0; i < expected.length; i++) {
			assertEquals(expected[i], actual[i], tolerance, what + " at " + i);
		}
	}

	private static NoiseSource randomNoise() {
		Random random = new Random(3);
		return target -> {
			for (int i = 0; i < target.length; i++) {
				target[i] = (float) random.nextGaussian();
			}
		};
	}

	@ParameterizedTest
	@EnumSource(Sampler.class)
	void aPerfectDenoiserTakesEverySamplerFromPureNoiseToTheDataPoint(Sampler sampler) {
		float[] x0 = dataPoint();
		for (int steps : new int[] { 1, 10, 20, 50 }) {
			Scheduler s = Scheduler.create(sampler, SD15_TO_ZERO, steps);
			assertNear(x0, run(s, pureNoise(s), 0, x0, false, randomNoise()), 1e-3, sampler + " at " + steps + " steps");
		}
	}

	@ParameterizedTest
	@EnumSource(Sampler.class)
	void thePreviewsDenoisedEstimateOfAPerfectDenoiserIsTheDataPointAtEveryStep(Sampler sampler) {
		float[] x0 = dataPoint();
		for (boolean v : new boolean[] { false, true }) {
			Scheduler s = Scheduler.create(sampler, v ? vPrediction(SD15_TO_ZERO) : SD15_TO_ZERO, 10);
			float[] sample = pureNoise(s);
			float[] input = new float[LENGTH];
			float[] output = new float[LENGTH];
			float[] denoised = new float[LENGTH];
			NoiseSource noise = randomNoise();
			for (int step = 0; step < s.steps(); step++) {
				s.scaleModelInput(sample, step, input);
				perfectDenoiser(input, s.sigmas()[step], x0, v, output);
				s.denoised(output, step, sample, denoised);
				assertNear(x0, denoised, 1e-3, sampler + (v ? " v" : " eps") + " step " + step);
				s.step(output, step, sample, noise);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Sampler.class)
	void aPerfectVPredictionDenoiserTakesEverySamplerToTheDataPoint(Sampler sampler) {
		float[] x0 = dataPoint();
		for (String spacing : new String[] { null, "leading", "trailing" }) {
			SchedulerConfig c = vPrediction(new SchedulerConfig(1000, 0.00085, 0.012, "scaled_linear", "epsilon", spacing, 1, true));
			Scheduler s = Scheduler.create(sampler, c, 25);
			assertNear(x0, run(s, pureNoise(s), 0, x0, true, randomNoise()), 1e-3, sampler + ", spacing " + spacing);
		}
	}

	@ParameterizedTest
	@EnumSource(Sampler.class)
	void img2imgFromTheStartStepReachesTheImage(Sampler sampler) {
		float[] image = dataPoint();
		Scheduler s = Scheduler.create(sampler, SD15_TO_ZERO, 20);
		int start = s.startStep(0.6);
		float[] sample = image.clone();
		s.addNoise(sample, gaussian(12), start, sample);
		assertNear(image, run(s, sample, start, image, false, randomNoise()), 1e-3, sampler.toString());
	}

	@Test
	void ddimWithoutAlphaToOneEndsAtTheFirstTrainingStepsLevel() {
		float[] x0 = dataPoint();
		Scheduler s = Scheduler.create(Sampler.DDIM, SchedulerConfig.SD15, 20);
		float[] start = pureNoise(s);
		double[] sigmas = s.sigmas();
		// the noise a perfect denoiser infers at the start is kept all the way down
		double a = 1 / Math.sqrt(sigmas[0] * sigmas[0] + 1);
		double last = 1 / Math.sqrt(sigmas[20] * sigmas[20] + 1);
		float[] expected = new float[LENGTH];
		for (int i = 0; i < LENGTH; i++) {
			double eps = (start[i] - a * x0[i]) / (sigmas[0] * a);
			expected[i] = (float) (last * x0[i] + sigmas[20] * last * eps);
		}
		assertEquals(0.0292, sigmas[20], 1e-4);
		assertNear(expected, run(s, start, 0, x0, false, null), 1e-3, "DDIM");
	}

	@Test
	void eulerAncestralAddsTheSourcesNoiseOnEveryStepButTheLast() {
		Scheduler s = Scheduler.create(Sampler.EULER_A, SchedulerConfig.SD15, 20);
		int[] draws = { 0 };
		float[] x0 = dataPoint();
		run(s, pureNoise(s), 0, x0, false, target -> draws[0]++);
		assertEquals(19, draws[0], "the last step goes to sigma 0 and draws nothing");
		Scheduler deterministic = Scheduler.create(Sampler.EULER, SchedulerConfig.SD15, 20);
		float[] sample = pureNoise(deterministic);
		run(deterministic, sample, 0, x0, false, null);
		assertNear(x0, sample, 1e-3, "Euler needs no noise source");
	}

	@Test
	void startStepFollowsDiffusersStrengthRule() {
		Scheduler s = Scheduler.create(Sampler.EULER, SchedulerConfig.SD15, 20);
		assertEquals(8, s.startStep(0.6));
		assertEquals(0, s.startStep(1.0));
		assertEquals(19, s.startStep(0.05));
		assertEquals(20, s.startStep(0.04), "below one step's worth nothing runs");
		for (double bad : new double[] { 0, -0.5, 1.01, Double.NaN }) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.startStep(bad));
			assertTrue(e.getMessage().contains("strength"), e.getMessage());
		}
	}

	@Test
	void stepCountsOutsideOneToTheTrainingTimestepsAreRefused() {
		for (int bad : new int[] { 0, -1, 1001 }) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scheduler.create(Sampler.EULER, SchedulerConfig.SD15, bad));
			assertTrue(e.getMessage().contains("steps") && e.getMessage().contains(Integer.toString(bad)), e.getMessage());
		}
		assertEquals(1000, Scheduler.create(Sampler.EULER, SchedulerConfig.SD15, 1000).steps());
		// leading spacing and steps_offset 1 would put DDIM's first step on timestep 1000, past the table
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scheduler.create(Sampler.DDIM, SchedulerConfig.SD15, 1000));
		assertTrue(e.getMessage().contains("steps_offset"), e.getMessage());
		assertEquals(1.0, Scheduler.create(Sampler.DDIM, SchedulerConfig.SD15, 999).timesteps()[998]);
	}

	@ParameterizedTest
	@EnumSource(value = Sampler.class, names = { "LMS", "DPMPP_2M", "DPMPP_2M_KARRAS" })
	void multistepSamplersRefuseStepsOutOfOrder(Sampler sampler) {
		Scheduler s = Scheduler.create(sampler, SchedulerConfig.SD15, 20);
		float[] sample = pureNoise(s);
		float[] output = gaussian(5);
		s.step(output, 0, sample, null);
		IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.step(output, 2, sample, null));
		assertTrue(e.getMessage().contains("1 is next"), e.getMessage());
	}

	@ParameterizedTest
	@EnumSource(Sampler.class)
	void scaleModelInputAndAddNoiseMayWorkInPlace(Sampler sampler) {
		Scheduler s = Scheduler.create(sampler, SchedulerConfig.SD15, 20);
		float[] x = gaussian(1);
		float[] apart = new float[LENGTH];
		s.scaleModelInput(x, 5, apart);
		float[] inPlace = x.clone();
		s.scaleModelInput(inPlace, 5, inPlace);
		assertNear(apart, inPlace, 0, "scaleModelInput");
		float[] noise = gaussian(2);
		s.addNoise(x, noise, 5, apart);
		s.addNoise(x, noise, 5, x);
		assertNear(apart, x, 0, "addNoise");
		assertThrows(IllegalArgumentException.class, () -> s.scaleModelInput(x, 0, new float[3]));
		assertThrows(IndexOutOfBoundsException.class, () -> s.scaleModelInput(x, 20, apart));
	}
}
