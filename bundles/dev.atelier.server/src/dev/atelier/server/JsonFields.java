package dev.atelier.server;

import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * Reads a request's JSON fields for a {@link ServerApi}: each wrong type or value is refused with 400 naming the
 * field; a JSON null is as if the field were absent. {@code path} prefixes the field names in messages
 * ({@code options.} for a nested object's).
 */
public class JsonFields {

	private final JsonObject json;
	private final String path;

	public JsonFields(JsonObject json, String path) {
		this.json = json;
		this.path = path;
	}

	public JsonFields(JsonObject json) {
		this(json, "");
	}

	public JsonObject json() {
		return json;
	}

	public String path() {
		return path;
	}

	/** The fields of an object inside this one, or of an empty one where it is absent. */
	public JsonFields object(String name) throws ApiException {
		return new JsonFields(nested(name), path + name + ".");
	}

	/** The object of a field (an empty one where it is absent) for {@link #object}'s overrides. */
	protected final JsonObject nested(String name) throws ApiException {
		JsonElement value = raw(name).orElse(null);
		if (value == null) {
			return new JsonObject();
		}
		if (!value.isJsonObject()) {
			throw wrong(name, "an object");
		}
		return value.getAsJsonObject();
	}

	public Optional<JsonElement> raw(String name) {
		JsonElement value = json.get(name);
		return value == null || value.isJsonNull() ? Optional.empty() : Optional.of(value);
	}

	public boolean has(String name) {
		return raw(name).isPresent();
	}

	/** A 400 saying that the field must be {@code what}. */
	public ApiException wrong(String name, String what) {
		return new ApiException(400, "'" + path + name + "' must be " + what, path + name);
	}

	public Optional<String> string(String name) throws ApiException {
		Optional<JsonElement> value = raw(name);
		if (value.isPresent() && !(value.get() instanceof JsonPrimitive p && p.isString())) {
			throw wrong(name, "a string");
		}
		return value.map(JsonElement::getAsString);
	}

	public String required(String name) throws ApiException {
		return string(name).orElseThrow(() -> new ApiException(400, "'" + path + name + "' is missing", path + name));
	}

	public boolean bool(String name, boolean otherwise) throws ApiException {
		Optional<JsonElement> value = raw(name);
		if (value.isPresent() && !(value.get() instanceof JsonPrimitive p && p.isBoolean())) {
			throw wrong(name, "true or false");
		}
		return value.map(JsonElement::getAsBoolean).orElse(otherwise);
	}

	public double number(String name, double otherwise, double min, double max) throws ApiException {
		Optional<JsonElement> value = raw(name);
		if (value.isEmpty()) {
			return otherwise;
		}
		if (!(value.get() instanceof JsonPrimitive p && p.isNumber())) {
			throw wrong(name, "a number");
		}
		double v = value.get().getAsDouble();
		if (!(v >= min && v <= max)) {
			throw wrong(name, "between " + min + " and " + max + ", not " + v);
		}
		return v;
	}

	public long integer(String name, long otherwise, long min, long max) throws ApiException {
		double v = number(name, otherwise, min, max);
		if (v != Math.rint(v)) {
			throw wrong(name, "a whole number");
		}
		return (long) v;
	}
}
