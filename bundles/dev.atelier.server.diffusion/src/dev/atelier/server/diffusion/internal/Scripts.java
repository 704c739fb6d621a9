package dev.atelier.server.diffusion.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import dev.atelier.diffusion.ControlChoice;
import dev.atelier.server.ApiException;
import dev.atelier.server.JsonFields;

/**
 * A1111's {@code alwayson_scripts} (each script's {@code args}, the script found by its title in any case, as A1111
 * finds it) that the engine does: the ControlNet extension's units and the multidiffusion extension's Tiled VAE.
 */
final class Scripts {

	/** A1111's ControlNet extension's defaults: canny's thresholds unset (-1: the preprocessor's own 100 and 200). */
	private static final double UNSET = -1;

	private Scripts() {
	}

	/** A ControlNet unit: the ControlNet's file, the control image's bytes and its settings. */
	record ControlUnit(Path model, byte[] image, double weight, double start, double end, boolean canny) {
		/** The request's ControlNet, its control image written to {@code imageFile}. */
		ControlChoice choice(Path imageFile) {
			return new ControlChoice(model, imageFile, weight, start, end, canny);
		}
	}

	/**
	 * The ControlNet extension's one enabled unit ({@code alwayson_scripts.controlnet.args}), as far as the engine goes:
	 * {@code image} (base64, or an object with {@code image}), {@code model} (a name in the models folder's
	 * {@code controlnet/}), {@code weight} (0..2, default 1), {@code guidance_start} and {@code guidance_end} (default 0
	 * and 1), {@code module} {@code canny} or {@code none}. A unit with {@code enabled} false is skipped. What the engine
	 * does not do is refused with 400 naming the field: a second enabled unit, other modules, canny thresholds other than
	 * 100 and 200, control modes other than Balanced, resize modes other than Crop and Resize.
	 */
	static Optional<ControlUnit> controlNet(JsonFields request, NamedModels controlNets, long maxPixels) throws ApiException {
		JsonFields script = script(request, "controlnet");
		JsonArray units = args(script);
		ControlUnit found = null;
		for (int i = 0; i < units.size(); i++) {
			if (!units.get(i).isJsonObject()) {
				throw script.wrong("args[" + i + "]", "a ControlNet unit (an object)");
			}
			JsonFields unit = new JsonFields(units.get(i).getAsJsonObject(), script.path() + "args[" + i + "].");
			if (!unit.bool("enabled", true)) {
				continue;
			}
			if (found != null) {
				throw new ApiException(400, "'" + script.path() + "args[" + i + "]' is a second enabled ControlNet unit: the engine runs one ControlNet",
						script.path() + "args[" + i + "]");
			}
			found = unit(unit, controlNets, maxPixels);
		}
		return Optional.ofNullable(found);
	}

	private static ControlUnit unit(JsonFields u, NamedModels controlNets, long maxPixels) throws ApiException {
		String module = u.string("module").orElse("none");
		if (!module.equals("canny") && !module.equals("none")) {
			throw u.wrong("module", "canny or none, the preprocessors done here, not " + module);
		}
		if (module.equals("canny")) {
			unsetOr(u, "threshold_a", ControlChoice.CANNY_LOW);
			unsetOr(u, "threshold_b", ControlChoice.CANNY_HIGH);
		}
		mode(u, "control_mode", 0, "Balanced");
		mode(u, "resize_mode", 1, "Crop and Resize");
		Path model = controlNets.find(u.required("model"), u.path() + "model");
		double weight = u.number("weight", 1, 0, ControlChoice.MAX_STRENGTH);
		double start = u.number("guidance_start", 0, 0, 1);
		double end = u.number("guidance_end", 1, 0, 1);
		if (!(start < end)) {
			throw u.wrong("guidance_end", "above guidance_start (" + start + "), not " + end);
		}
		return new ControlUnit(model, image(u, maxPixels), weight, start, end, module.equals("canny"));
	}

	/** The unit's {@code image}: base64, or the extension's {@code {"image": base64, "mask": …}} without a mask. */
	private static byte[] image(JsonFields u, long maxPixels) throws ApiException {
		Optional<JsonElement> image = u.raw("image");
		if (image.isPresent() && image.get().isJsonObject()) {
			JsonFields inner = u.object("image");
			if (inner.has("mask")) {
				throw inner.wrong("mask", "absent: a ControlNet mask is not done here");
			}
			return ImageFields.image(inner, "image", inner.required("image"), maxPixels);
		}
		return ImageFields.image(u, "image", u.required("image"), maxPixels);
	}

	/** A number the engine fixes: absent, -1 (the extension's unset) or the engine's value. */
	private static void unsetOr(JsonFields u, String name, double fixed) throws ApiException {
		double v = u.number(name, UNSET, -Double.MAX_VALUE, Double.MAX_VALUE);
		if (v != UNSET && v != fixed) {
			throw u.wrong(name, fixed + " (or -1), the threshold done here, not " + v);
		}
	}

	/** An extension's mode, by index or by name, that must be the one the engine does. */
	private static void mode(JsonFields u, String name, int index, String title) throws ApiException {
		Optional<JsonElement> value = u.raw(name);
		boolean done = value.isEmpty() || value.get() instanceof JsonPrimitive p
				&& (p.isNumber() && p.getAsDouble() == index || p.isString() && p.getAsString().equals(title));
		if (!done) {
			throw u.wrong(name, index + " (" + title + "), the one done here, not " + value.get());
		}
	}

	/** The multidiffusion extension's Tiled VAE ({@code alwayson_scripts["Tiled VAE"].args}): its first argument, enabled. */
	static boolean tiledVae(JsonFields request) throws ApiException {
		JsonFields script = script(request, "Tiled VAE");
		JsonArray args = args(script);
		if (args.isEmpty()) {
			return false;
		}
		if (!(args.get(0) instanceof JsonPrimitive p && p.isBoolean())) {
			throw script.wrong("args[0]", "true or false (enabled)");
		}
		return p.getAsBoolean();
	}

	/** The script of a title, in any case; an empty one where the request has none. */
	private static JsonFields script(JsonFields request, String title) throws ApiException {
		JsonFields scripts = request.object("alwayson_scripts");
		for (Map.Entry<String, JsonElement> e : scripts.json().entrySet()) {
			if (e.getKey().equalsIgnoreCase(title)) {
				return scripts.object(e.getKey());
			}
		}
		return new JsonFields(new JsonObject(), scripts.path() + title + ".");
	}

	private static JsonArray args(JsonFields script) throws ApiException {
		Optional<JsonElement> args = script.raw("args");
		if (args.isPresent() && !args.get().isJsonArray()) {
			throw script.wrong("args", "an array");
		}
		return args.map(JsonElement::getAsJsonArray).orElseGet(JsonArray::new);
	}
}
