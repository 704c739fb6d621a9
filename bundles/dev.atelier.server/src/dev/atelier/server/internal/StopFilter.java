package dev.atelier.server.internal;

import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts streamed text at the first of the request's stop strings: text is passed on once it can no longer be the start
 * of one, and nothing from the stop string on is ever passed.
 */
final class StopFilter {

	private final List<String> stops;
	private final Consumer<String> out;
	private final StringBuilder held = new StringBuilder();
	private boolean stopped;

	StopFilter(List<String> stops, Consumer<String> out) {
		this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
		this.out = out;
	}

	void accept(String piece) {
		if (stopped) {
			return;
		}
		held.append(piece);
		int at = -1;
		for (String stop : stops) {
			int i = held.indexOf(stop);
			if (i >= 0 && (at < 0 || i < at)) {
				at = i;
			}
		}
		if (at >= 0) {
			stopped = true;
			emit(at);
			held.setLength(0);
			return;
		}
		emit(held.length() - heldBack());
	}

	/** The longest end of the held text that begins a stop string. */
	private int heldBack() {
		String text = held.toString();
		int longest = 0;
		for (String stop : stops) {
			for (int n = Math.min(stop.length() - 1, text.length()); n > longest; n--) {
				if (text.regionMatches(text.length() - n, stop, 0, n)) {
					longest = n;
					break;
				}
			}
		}
		return longest;
	}

	private void emit(int count) {
		if (count > 0) {
			out.accept(held.substring(0, count));
			held.delete(0, count);
		}
	}

	/** The answer ended: what was held back was no stop string after all. */
	void finish() {
		if (!stopped) {
			emit(held.length());
		}
	}

	/** Whether a stop string appeared: the generation should end. */
	boolean stopped() {
		return stopped;
	}
}
