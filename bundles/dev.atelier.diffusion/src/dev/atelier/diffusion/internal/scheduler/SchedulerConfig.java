package dev.atelier.diffusion.internal.scheduler;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.Prediction;

/**
 * The fields of a diffusers {@code scheduler_config.json} that the samplers use. {@code timestepSpacing} null means each
 * scheduler's own default: "leading" for DDIM, "linspace" for the others. Checks name the file's keys, so a bad file's
 * error says which entry to fix.
 */
public record SchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, String betaSchedule, String predictionType,
		String timestepSpacing, int stepsOffset, boolean setAlphaToOne) {

	private static final List<String> BETA_SCHEDULES = List.of("linear", "scaled_linear", "squaredcos_cap_v2");
	private static final List<String> PREDICTION_TYPES = List.of("epsilon", "v_prediction");
	private static final List<String> TIMESTEP_SPACINGS = List.of("linspace", "leading", "trailing");

	/** Stable Diffusion 1.5's. */
	public static final SchedulerConfig SD15 = new SchedulerConfig(1000, 0.00085, 0.012, "scaled_linear", "epsilon", null, 1, false);

	/**
	 * The release configuration of a single file's family, which carries none: SD 1.x's, SD 2.x's and SDXL's
	 * scheduler_config.json share the scaled-linear β 0.00085…0.012 over 1000 steps, steps_offset 1 and no final alpha
	 * of one; SDXL's alone sets timestep_spacing ("leading"), the others leave each scheduler its default. The
	 * prediction is the checkpoint's (SD 2.x 768 files predict v).
	 */
	public static SchedulerConfig release(Family family, Prediction prediction) {
		return new SchedulerConfig(1000, 0.00085, 0.012, "scaled_linear", prediction.schedulerName(), family == Family.SDXL ? "leading" : null, 1, false);
	}

	public SchedulerConfig {
		check(numTrainTimesteps >= 2, "num_train_timesteps must be at least 2, not " + numTrainTimesteps);
		checkOneOf("beta_schedule", betaSchedule, BETA_SCHEDULES);
		checkOneOf("prediction_type", predictionType, PREDICTION_TYPES);
		if (timestepSpacing != null) {
			checkOneOf("timestep_spacing", timestepSpacing, TIMESTEP_SPACINGS);
		}
		if (!betaSchedule.equals("squaredcos_cap_v2")) {
			// a beta of 0 or 1 makes a noise level 0 or infinite
			check(betaStart > 0 && betaStart < 1, "beta_start must be between 0 and 1 (exclusive), not " + betaStart);
			check(betaEnd > 0 && betaEnd < 1, "beta_end must be between 0 and 1 (exclusive), not " + betaEnd);
		}
		check(stepsOffset >= 0 && stepsOffset < numTrainTimesteps, "steps_offset must be from 0 to num_train_timesteps - 1 (" + (numTrainTimesteps - 1)
				+ "), not " + stepsOffset);
	}

	/** Reads a {@code scheduler_config.json}; errors, I/O or content, name the file. */
	public static SchedulerConfig read(Path file) throws IOException {
		String json;
		try {
			json = Files.readString(file);
		} catch (CharacterCodingException e) {
			throw new IOException(file + ": not UTF-8 text (a JSON file)", e);
		}
		try {
			return parse(json, file.toString());
		} catch (IllegalArgumentException e) {
			throw new IOException(e.getMessage(), e);
		}
	}

	/**
	 * Parses a {@code scheduler_config.json}; {@code source} names it in errors. Missing keys and nulls take diffusers'
	 * defaults (DDIMScheduler's for set_alpha_to_one, the only scheduler that reads it); keys the samplers do not use
	 * are ignored, except trained_betas and rescale_betas_zero_snr, which would change the schedule and are refused.
	 */
	public static SchedulerConfig parse(String json, String source) {
		try {
			JsonElement root = JsonParser.parseString(json);
			if (!root.isJsonObject()) {
				throw new IllegalArgumentException("not a JSON object");
			}
			JsonObject o = root.getAsJsonObject();
			check(value(o, "trained_betas") == null, "trained_betas is not supported (use beta_schedule)");
			check(!bool(o, "rescale_betas_zero_snr", false), "rescale_betas_zero_snr is not supported");
			return new SchedulerConfig(integer(o, "num_train_timesteps", 1000), number(o, "beta_start", 0.0001), number(o, "beta_end", 0.02),
					string(o, "beta_schedule", "linear"), string(o, "prediction_type", "epsilon"), string(o, "timestep_spacing", null),
					integer(o, "steps_offset", 0), bool(o, "set_alpha_to_one", true));
		} catch (JsonParseException e) {
			throw new IllegalArgumentException(source + ": not valid JSON: " + e.getMessage(), e);
		} catch (IllegalArgumentException e) {
			throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
		}
	}

	private static JsonElement value(JsonObject o, String key) {
		JsonElement e = o.get(key);
		return e == null || e.isJsonNull() ? null : e;
	}

	private static JsonPrimitive primitive(JsonObject o, String key, String type, boolean ok) {
		if (!ok) {
			throw new IllegalArgumentException(key + " must be " + type + ", not " + o.get(key));
		}
		return o.getAsJsonPrimitive(key);
	}

	private static double number(JsonObject o, String key, double fallback) {
		JsonElement e = value(o, key);
		return e == null ? fallback : primitive(o, key, "a number", e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()).getAsDouble();
	}

	private static int integer(JsonObject o, String key, int fallback) {
		JsonElement e = value(o, key);
		if (e == null) {
			return fallback;
		}
		double d = primitive(o, key, "an integer", e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()).getAsDouble();
		primitive(o, key, "an integer", d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE);
		return (int) d;
	}

	private static String string(JsonObject o, String key, String fallback) {
		JsonElement e = value(o, key);
		return e == null ? fallback : primitive(o, key, "a string", e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()).getAsString();
	}

	private static boolean bool(JsonObject o, String key, boolean fallback) {
		JsonElement e = value(o, key);
		return e == null ? fallback : primitive(o, key, "true or false", e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()).getAsBoolean();
	}

	private static void check(boolean ok, String message) {
		if (!ok) {
			throw new IllegalArgumentException(message);
		}
	}

	private static void checkOneOf(String key, String value, List<String> allowed) {
		check(allowed.contains(value), key + " " + (value == null ? "is missing" : "'" + value + "' is not supported") + ": use one of "
				+ String.join(", ", allowed));
	}
}
