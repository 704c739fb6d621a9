package dev.atelier.llm.internal.openai;

import java.io.IOException;
import java.io.Reader;
import java.util.Optional;

/**
 * Server-sent events, line by line: {@code data:} lines accumulate (joined by newlines) until a blank line ends
 * the event; comments ({@code :}) and other fields are skipped; a trailing CR is dropped. A line or an event longer
 * than the limit is refused before it is held: a server that never ends a line cannot fill the heap.
 */
final class SseEvents {

	/** Far above any chunk of a chat answer (a few hundred characters), far below a heap's size. */
	static final int MAX_CHARS = 4 << 20;

	/** A line or an event over the limit. */
	static final class TooLong extends IOException {
		private static final long serialVersionUID = 1L;

		TooLong(int max) {
			super("an event stream line or event longer than " + max + " characters");
		}
	}

	private final int max;
	private final StringBuilder data = new StringBuilder();
	private boolean any;

	SseEvents() {
		this(MAX_CHARS);
	}

	SseEvents(int maxChars) {
		this.max = maxChars;
	}

	/** The next line without its {@code \n}, or null at the end of the stream. */
	String readLine(Reader in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int c = in.read(); c != -1; c = in.read()) {
			if (c == '\n') {
				return line.toString();
			}
			if (line.length() >= max) {
				throw new TooLong(max);
			}
			line.append((char) c);
		}
		return line.isEmpty() ? null : line.toString();
	}

	/** The event's data when {@code line} ends one, else empty. */
	Optional<String> line(String line) throws TooLong {
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
			if (data.length() + value.length() + 1 > max) {
				throw new TooLong(max);
			}
			if (any) {
				data.append('\n');
			}
			data.append(value);
			any = true;
		}
		return Optional.empty();
	}
}
