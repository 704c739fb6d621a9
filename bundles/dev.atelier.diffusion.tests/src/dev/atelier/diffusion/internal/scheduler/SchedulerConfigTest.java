package dev.atelier.diffusion.internal.scheduler;

import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.Prediction;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading diffusers' scheduler_config.json and the sampler names. */
class SchedulerConfigTest {

	/** SD 1.5's file as the Hugging Face repository has it (a PNDMScheduler config). */
	private static final String SD15_FILE = """
			{
			  "_class_name": "PNDMScheduler",
			  "_diffusers_version": "0.6.0",
			  "beta_end": 0.012,
			  "beta_schedule": "scaled_linear",
			  "beta_start": 0.00085,
			  "num_train_timesteps": 1000,
			  "set_alpha_to_one": false,
			  "skip_prk_steps": true,
			  "steps_offset": 1,
			  "trained_betas": null,
			  "clip_sample": false
			}
			""";

	@Test
	void stableDiffusion15sFileReadsAsSd15(@TempDir Path dir) throws IOException {
		Path file = Files.writeString(dir.resolve("scheduler_config.json"), SD15_FILE);
		assertEquals(SchedulerConfig.SD15, SchedulerConfig.read(file));
	}

	/** stabilityai/stable-diffusion-2-1's (768, v-prediction; a DDIMScheduler config). */
	private static final String SD21_FILE = """
			{"_class_name": "DDIMScheduler", "_diffusers_version": "0.8.0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
			 "beta_start": 0.00085, "clip_sample": false, "num_train_timesteps": 1000, "prediction_type": "v_prediction",
			 "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}
			""";

	/** stabilityai/stable-diffusion-xl-base-1.0's (an EulerDiscreteScheduler config). */
	private static final String SDXL_FILE = """
			{"_class_name": "EulerDiscreteScheduler", "_diffusers_version": "0.19.0.dev0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
			 "beta_start": 0.00085, "clip_sample": false, "interpolation_type": "linear", "num_train_timesteps": 1000, "prediction_type": "epsilon",
			 "sample_max_value": 1.0, "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "timestep_spacing": "leading",
			 "trained_betas": null, "use_karras_sigmas": false}
			""";

	@Test
	void singleFilesTakeTheirFamilysReleaseFileSoTheirSchedulesMatchThatFolders() {
		assertEquals(SchedulerConfig.parse(SD15_FILE, "sd15"), SchedulerConfig.release(Family.SD1, Prediction.EPSILON));
		assertEquals(SchedulerConfig.SD15, SchedulerConfig.release(Family.SD1, Prediction.EPSILON));
		assertEquals(SchedulerConfig.parse(SD21_FILE, "sd21"), SchedulerConfig.release(Family.SD2, Prediction.V_PREDICTION));
		assertEquals(SchedulerConfig.parse(SDXL_FILE, "sdxl"), SchedulerConfig.release(Family.SDXL, Prediction.EPSILON));
	}

	@Test
	void missingKeysTakeDiffusersDefaults() {
		assertEquals(new SchedulerConfig(1000, 0.0001, 0.02, "linear", "epsilon", null, 0, true), SchedulerConfig.parse("{}", "empty"));
		assertEquals(new SchedulerConfig(1000, 0.0001, 0.02, "linear", "v_prediction", "trailing", 0, true),
				SchedulerConfig.parse("{\"prediction_type\": \"v_prediction\", \"timestep_spacing\": \"trailing\", \"beta_end\": null}", "v"));
	}

	private static String errorReading(Path dir, String content) throws IOException {
		Path file = Files.writeString(dir.resolve("scheduler_config.json"), content);
		String message = assertThrows(IOException.class, () -> SchedulerConfig.read(file)).getMessage();
		assertTrue(message.startsWith(file.toString() + ": "), message);
		return message;
	}

	private static void assertMentions(String message, String... parts) {
		for (String part : parts) {
			assertTrue(message.contains(part), "'" + message + "' should mention " + part);
		}
	}

	/** Found by fuzzing (docs/fuzzing.md): a file of invalid UTF-8 failed with the decoder's "Input length = 1" alone. */
	@Test
	void aFileThatIsNotUtf8IsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
		Path file = Files.write(dir.resolve("scheduler_config.json"), new byte[] { '{', (byte) 0xff, '}' });
		assertEquals(file + ": not UTF-8 text (a JSON file)", assertThrows(IOException.class, () -> SchedulerConfig.read(file)).getMessage());
	}

	/** Found by fuzzing: such an offset puts every schedule's first timestep past the training ones. */
	@Test
	void aStepsOffsetPastTheTrainingTimestepsIsRefused(@TempDir Path dir) throws IOException {
		assertMentions(errorReading(dir, "{\"num_train_timesteps\": 100, \"steps_offset\": 100}"), "steps_offset", "99", "100");
	}

	@Test
	void badFilesAreRefusedNamingTheFileAndTheField(@TempDir Path dir) throws IOException {
		assertMentions(errorReading(dir, "{\"beta_schedule\": \"cubic\"}"), "beta_schedule", "cubic", "scaled_linear");
		assertMentions(errorReading(dir, "{\"prediction_type\": \"sample\"}"), "prediction_type", "sample", "v_prediction");
		assertMentions(errorReading(dir, "{\"timestep_spacing\": \"even\"}"), "timestep_spacing", "even", "trailing");
		assertMentions(errorReading(dir, "{\"num_train_timesteps\": \"1000\"}"), "num_train_timesteps", "an integer", "\"1000\"");
		assertMentions(errorReading(dir, "{\"steps_offset\": 1.5}"), "steps_offset", "an integer");
		assertMentions(errorReading(dir, "{\"beta_start\": [0.1]}"), "beta_start", "a number");
		assertMentions(errorReading(dir, "{\"set_alpha_to_one\": \"no\"}"), "set_alpha_to_one", "true or false");
		assertMentions(errorReading(dir, "{\"beta_end\": 1.5}"), "beta_end", "1.5");
		assertMentions(errorReading(dir, "{\"trained_betas\": [0.1, 0.2]}"), "trained_betas");
		assertMentions(errorReading(dir, "{\"beta_schedule\": \"linear\""), "not valid JSON");
		assertMentions(errorReading(dir, "this is not json"), "not valid JSON");
		assertMentions(errorReading(dir, "[1, 2]"), "not a JSON object");
	}

	@Test
	void parseNamesItsSourceInErrors() {
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
				() -> SchedulerConfig.parse("{\"beta_schedule\": 3}", "model/scheduler"));
		assertMentions(e.getMessage(), "model/scheduler: ", "beta_schedule", "a string");
	}

	@Test
	void samplersParseFromCliAndDisplayNamesInAnyCase() {
		for (Sampler s : Sampler.values()) {
			assertEquals(s, Sampler.parse(s.cliName()));
			assertEquals(s, Sampler.parse(s.displayName()));
			assertEquals(s, Sampler.parse(s.displayName().toUpperCase()));
		}
		assertEquals(Sampler.DPMPP_2M_KARRAS, Sampler.parse("dpm++ 2m karras"));
		assertEquals("Euler a", Sampler.EULER_A.displayName());
	}

	@Test
	void anUnknownSamplerIsRefusedListingTheValidNames() {
		String message = assertThrows(IllegalArgumentException.class, () -> Sampler.parse("heun")).getMessage();
		assertMentions(message, "'heun'", "euler_a", "euler", "ddim", "dpmpp_2m", "dpmpp_2m_karras", "lms");
	}
}
