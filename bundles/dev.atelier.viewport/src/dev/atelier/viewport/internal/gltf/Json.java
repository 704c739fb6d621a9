package dev.atelier.viewport.internal.gltf;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * A value of a glTF document's JSON with its path from the root ({@code meshes[0].primitives[1].indices}). Every read
 * checks the JSON type and the range, so a string where a number belongs, or an index past its array, is refused with
 * a {@link GltfException} naming the file and the path rather than with Gson's ClassCastException. An absent
 * property is a Json too ({@link #present()} false), so optional objects can be read through without null checks.
 */
final class Json {

	private final Path file;
	private final String path;
	private final JsonElement value;

	private Json(Path file, String path, JsonElement value) {
		this.file = file;
		this.path = path;
		this.value = value;
	}

	static Json root(Path file, JsonObject root) {
		return new Json(file, "", root);
	}

	String path() {
		return path.isEmpty() ? "(root)" : path;
	}

	boolean present() {
		return value != null;
	}

	GltfException error(String problem) {
		return new GltfException(file, path(), problem);
	}

	GltfException error(String problem, Throwable cause) {
		return new GltfException(file, path(), problem, cause);
	}

	/** A note about this element, worded like an error's message. */
	String note(String text) {
		return GltfException.prefix(file, path()) + text;
	}

	/** Property {@code key} of this object; absent where this object or the property is. */
	Json get(String key) throws GltfException {
		JsonElement child = value == null ? null : object().get(key);
		return new Json(file, path.isEmpty() ? key : path + "." + key, child);
	}

	/** The elements of this array; none where it is absent. */
	List<Json> elements() throws GltfException {
		if (value == null) {
			return List.of();
		}
		JsonArray array = array();
		List<Json> out = new ArrayList<>(array.size());
		for (int i = 0; i < array.size(); i++) {
			out.add(new Json(file, path + "[" + i + "]", array.get(i)));
		}
		return out;
	}

	/** Element {@code i} of this array, which the caller has checked to exist (an index from {@link #asIndex}). */
	Json element(int i) throws GltfException {
		return new Json(file, path + "[" + i + "]", array().get(i));
	}

	/** Elements in this array; 0 where it is absent. */
	int size() throws GltfException {
		return value == null ? 0 : array().size();
	}

	/** This value, refused where it is absent. */
	Json required() throws GltfException {
		if (value == null) {
			throw error("is missing");
		}
		return this;
	}

	long asLong(long min, long max) throws GltfException {
		BigDecimal d;
		try {
			d = number().getAsBigDecimal();
		} catch (NumberFormatException e) { // Gson refuses exponents past 10000 rather than build such a number
			String t = text();
			throw error(t + (t.startsWith("-") ? " is less than " + min : t.matches("(?i).*e-.*") ? " is not an integer" : " is more than " + max));
		}
		if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
			throw error(text() + " is not an integer");
		}
		if (d.compareTo(BigDecimal.valueOf(min)) < 0) {
			throw error(text() + " is less than " + min);
		}
		if (d.compareTo(BigDecimal.valueOf(max)) > 0) {
			throw error(text() + " is more than " + max);
		}
		return d.longValueExact();
	}

	int asInt(int min, int max) throws GltfException {
		return (int) asLong(min, max);
	}

	/** An index into the document's array {@code collection} of {@code count} elements. */
	int asIndex(int count, String collection) throws GltfException {
		long i = asLong(0, Integer.MAX_VALUE);
		if (i >= count) {
			throw error("refers to " + collection + "[" + i + "] but the file has " + count + " " + collection);
		}
		return (int) i;
	}

	float asFloat() throws GltfException {
		double d = number().getAsDouble();
		if (!(Math.abs(d) <= Float.MAX_VALUE)) {
			throw error(text() + " is out of range");
		}
		return (float) d;
	}

	/** An array of exactly {@code n} numbers. */
	float[] asFloats(int n) throws GltfException {
		List<Json> items = elements();
		if (items.size() != n) {
			throw error("has " + items.size() + " numbers, not " + n);
		}
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			out[i] = items.get(i).asFloat();
		}
		return out;
	}

	String asString() throws GltfException {
		if (!(value instanceof JsonPrimitive p) || !p.isString()) {
			throw error("is " + kind() + ", not a string");
		}
		return p.getAsString();
	}

	boolean asBoolean() throws GltfException {
		if (!(value instanceof JsonPrimitive p) || !p.isBoolean()) {
			throw error("is " + kind() + ", not a boolean");
		}
		return p.getAsBoolean();
	}

	// Readers of optional properties with the specification's defaults.

	int integer(String key, int min, int max, int fallback) throws GltfException {
		Json j = get(key);
		return j.present() ? j.asInt(min, max) : fallback;
	}

	long longInteger(String key, long min, long max, long fallback) throws GltfException {
		Json j = get(key);
		return j.present() ? j.asLong(min, max) : fallback;
	}

	float number(String key, float fallback) throws GltfException {
		Json j = get(key);
		return j.present() ? j.asFloat() : fallback;
	}

	float[] numbers(String key, float... fallback) throws GltfException {
		Json j = get(key);
		return j.present() ? j.asFloats(fallback.length) : fallback.clone();
	}

	String string(String key, String fallback) throws GltfException {
		Json j = get(key);
		return j.present() ? j.asString() : fallback;
	}

	boolean bool(String key, boolean fallback) throws GltfException {
		Json j = get(key);
		return j.present() ? j.asBoolean() : fallback;
	}

	private JsonObject object() throws GltfException {
		if (!(value instanceof JsonObject o)) {
			throw error("is " + kind() + ", not an object");
		}
		return o;
	}

	private JsonArray array() throws GltfException {
		if (!(value instanceof JsonArray a)) {
			throw error("is " + kind() + ", not an array");
		}
		return a;
	}

	private JsonPrimitive number() throws GltfException {
		if (!(value instanceof JsonPrimitive p) || !p.isNumber()) {
			throw error("is " + kind() + ", not a number");
		}
		return p;
	}

	private String text() {
		return value.getAsString();
	}

	private String kind() throws GltfException {
		if (value == null) {
			throw error("is missing");
		}
		if (value.isJsonObject()) {
			return "an object";
		}
		if (value.isJsonArray()) {
			return "an array";
		}
		if (value.isJsonNull()) {
			return "null";
		}
		JsonPrimitive p = value.getAsJsonPrimitive();
		return p.isString() ? "a string" : p.isBoolean() ? "a boolean" : "a number";
	}
}
