package dev.atelier.server.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

import dev.atelier.server.ApiException;

/**
 * Ollama's {@code keep_alive}: a number of seconds, or a Go duration ({@code 5m}, {@code 1h30m}, {@code 300ms});
 * {@code 0} unloads the model right after the request, a negative value keeps it until its memory is needed (null).
 */
final class KeepAlive {

	private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

	private KeepAlive() {
	}

	static Duration parse(JsonElement value, String param) throws ApiException {
		if (!(value instanceof JsonPrimitive p) || !(p.isNumber() || p.isString())) {
			throw invalid(String.valueOf(value), param);
		}
		String text = p.getAsString().strip();
		if (text.startsWith("-")) {
			return null;
		}
		try {
			return Duration.ofNanos(Math.round(Double.parseDouble(text) * 1e9));
		} catch (NumberFormatException notANumber) {
			// a Go duration
		}
		Matcher m = PART.matcher(text);
		double nanos = 0;
		int end = 0;
		while (m.find() && m.start() == end) {
			nanos += Double.parseDouble(m.group(1)) * switch (m.group(2)) {
				case "ns" -> 1;
				case "us", "µs" -> 1e3;
				case "ms" -> 1e6;
				case "s" -> 1e9;
				case "m" -> 60e9;
				default -> 3600e9;
			};
			end = m.end();
		}
		if (end == 0 || end != text.length()) {
			throw invalid(text, param);
		}
		return Duration.ofNanos(Math.round(nanos));
	}

	private static ApiException invalid(String text, String param) {
		return new ApiException(400, "'" + param + "' is '" + text + "': give seconds or a duration such as 5m, 1h30m or 0 (unload now); "
				+ "a negative one keeps the model loaded", param);
	}
}
