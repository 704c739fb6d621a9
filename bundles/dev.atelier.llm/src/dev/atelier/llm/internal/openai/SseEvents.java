package dev.atelier.llm.internal.openai;

import java.util.Optional;

/**
 * Server-sent events, line by line: {@code data:} lines accumulate (joined by newlines) until a blank line ends
 * the event; comments ({@code :}) and other fields are skipped; a trailing CR is dropped.
 */
final class SseEvents {

	private final StringBuilder data = new StringBuilder();
	private boolean any;

	/** The event's data when {@code line} ends one, else empty. */
	Optional<String> line(String line) {
		String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
		if (l.isEmpty()) {
			if (!any) {
				return Optional.empty();
			}
			String event = data.toString();
			data.setLength(0);
			any = false;
			return Optional.of(event);
		}
		if (l.startsWith(":")) {
			return Optional.empty();
		}
		int colon = l.indexOf(':');
		String field = colon < 0 ? l : l.substring(0, colon);
		String value = colon < 0 ? "" : l.substring(colon + 1);
		if (value.startsWith(" ")) {
			value = value.substring(1);
		}
		if (field.equals("data")) {
			if (any) {
				data.append('\n');
			}
			data.append(value);
			any = true;
		}
		return Optional.empty();
	}
}
