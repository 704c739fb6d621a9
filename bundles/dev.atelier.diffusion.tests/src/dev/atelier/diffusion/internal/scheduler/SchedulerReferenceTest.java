package dev.atelier.diffusion.internal.scheduler;

import dev.atelier.diffusion.Sampler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Timesteps, sigmas and whole sampling runs against releng/diffusion/scheduler_tables.py, an independent NumPy
 * implementation of diffusers' formulas (data/scheduler-tables-sd15.json).
 */
class SchedulerReferenceTest {

	private static JsonObject reference;

	@BeforeAll
	static void readReference() throws IOException {
		reference = JsonParser.parseString(Files.readString(Path.of("data/scheduler-tables-sd15.json"))).getAsJsonObject();
	}

	private static SchedulerConfig config(String name) {
		return SchedulerConfig.parse(reference.getAsJsonObject("configs").get(name).toString(), "configs." + name);
	}

	private static double[] doubles(JsonElement array) {
		return array.getAsJsonArray().asList().stream().mapToDouble(JsonElement::getAsDouble).toArray();
	}

	private static void assertClose(double[] expected, double[] actual, double relative, double absolute, String what) {
		assertEquals(expected.length, actual.length, what + ": length");
		for (int i = 0; i < expected.length; i++) {
			assertClose(expected[i], actual[i], relative, absolute, what + "[" + i + "]");
		}
	}

	private static void assertClose(double expected, double actual, double relative, double absolute, String what) {
		assertTrue(Math.abs(actual - expected) <= relative * Math.abs(expected) + absolute, what + ": expected " + expected + ", got " + actual);
	}

	@Test
	void everySamplersTimestepsAndSigmasMatchTheNumpyReference() {
		Set<String> sd15 = new HashSet<>();
		for (JsonElement e : reference.getAsJsonArray("tables")) {
			JsonObject t = e.getAsJsonObject();
			Sampler sampler = Sampler.parse(t.get("sampler").getAsString());
			int steps = t.get("steps").getAsInt();
			String what = t.get("config").getAsString() + " " + sampler.cliName() + " " + steps + " steps";
			Scheduler s = Scheduler.create(sampler, config(t.get("config").getAsString()), steps);
			assertEquals(steps, s.steps(), what);
			assertClose(doubles(t.get("timesteps")), s.timesteps(), 1e-5, 0, what + " timesteps");
			assertClose(doubles(t.get("sigmas")), s.sigmas(), 1e-5, 0, what + " sigmas");
			assertClose(t.get("init_noise_sigma").getAsDouble(), s.initNoiseSigma(), 1e-5, 0, what + " init noise sigma");
			if (t.get("config").getAsString().equals("sd15")) {
				sd15.add(sampler.cliName() + "/" + steps);
			}
		}
		for (Sampler sampler : Sampler.values()) {
			for (int steps : new int[] { 20, 25, 50 }) {
				assertTrue(sd15.contains(sampler.cliName() + "/" + steps), "the reference has no SD 1.5 table for " + sampler + " at " + steps);
			}
		}
	}

	@Test
	void stableDiffusion15sWellKnownConstants() {
		Scheduler euler = Scheduler.create(Sampler.EULER, SchedulerConfig.SD15, 20);
		assertEquals(999.0, euler.timesteps()[0]);
		assertEquals(0.0, euler.timesteps()[19]);
		assertEquals(14.6146, euler.sigmas()[0], 1e-4, "the largest sigma");
		assertEquals(0.0292, euler.sigmas()[19], 1e-4, "the smallest table sigma");
		assertEquals(0.0, euler.sigmas()[20]);
		assertEquals(14.6146, euler.initNoiseSigma(), 1e-4);

		double[] ddim = Scheduler.create(Sampler.DDIM, SchedulerConfig.SD15, 50).timesteps();
		assertEquals(981.0, ddim[0]);
		assertEquals(961.0, ddim[1]);
		assertEquals(1.0, ddim[49]);

		Scheduler karras = Scheduler.create(Sampler.DPMPP_2M_KARRAS, SchedulerConfig.SD15, 25);
		assertEquals(14.6146, karras.sigmas()[0], 1e-4);
		assertEquals(0.0292, karras.sigmas()[24], 1e-4);
		assertEquals(999.0, karras.timesteps()[0]);
		assertEquals(0.0, karras.timesteps()[24]);

		double[] dpm = Scheduler.create(Sampler.DPMPP_2M, SchedulerConfig.SD15, 20).timesteps();
		assertEquals(999.0, dpm[0]);
		assertEquals(949.0, dpm[1]);
		assertEquals(50.0, dpm[19]);
	}

	/** The model of the reference's runs: not a denoiser, just smooth and dependent on the sample and the timestep. */
	private static void toyModel(float[] input, double t, float[] out) {
		for (int i = 0; i < input.length; i++) {
			out[i] = (float) (Math.tanh(input[i]) * (0.5 + t / 2000) + 0.1 * Math.cos(0.37 * i + t / 100));
		}
	}

	@Test
	void wholeRunsOfAToyModelMatchTheNumpyReference() {
		int n = 8;
		float[] startNoise = new float[n];
		float[] image = new float[n];
		for (int i = 0; i < n; i++) {
			startNoise[i] = (float) (1.1 * Math.cos(0.83 * i + 0.2));
			image[i] = (float) (0.5 * Math.sin(0.9 * i));
		}
		JsonArray runs = reference.getAsJsonArray("runs");
		assertTrue(runs.size() >= 30);
		for (JsonElement e : runs) {
			JsonObject r = e.getAsJsonObject();
			Sampler sampler = Sampler.parse(r.get("sampler").getAsString());
			double strength = r.get("strength").getAsDouble();
			String what = r.get("config").getAsString() + " " + sampler.cliName() + " " + r.get("steps") + " steps, strength " + strength;
			Scheduler s = Scheduler.create(sampler, config(r.get("config").getAsString()), r.get("steps").getAsInt());
			int start = s.startStep(strength);
			assertEquals(r.get("start").getAsInt(), start, what);
			float[] sample = new float[n];
			if (strength == 1) {
				for (int i = 0; i < n; i++) {
					sample[i] = (float) (startNoise[i] * s.initNoiseSigma());
				}
			} else {
				s.addNoise(image, startNoise, start, sample);
			}
			int[] draws = { 0 };
			NoiseSource noise = target -> {
				for (int i = 0; i < target.length; i++) {
					target[i] = (float) (1.2 * Math.sin(1.7 * draws[0] + 0.61 * i + 0.3));
				}
				draws[0]++;
			};
			float[] input = new float[n];
			float[] output = new float[n];
			double[] timesteps = s.timesteps();
			for (int step = start; step < s.steps(); step++) {
				s.scaleModelInput(sample, step, input);
				toyModel(input, timesteps[step], output);
				s.step(output, step, sample, noise);
			}
			double[] actual = new double[n];
			for (int i = 0; i < n; i++) {
				actual[i] = sample[i];
			}
			assertClose(doubles(r.get("final")), actual, 1e-5, 1e-5, what);
		}
	}
}
