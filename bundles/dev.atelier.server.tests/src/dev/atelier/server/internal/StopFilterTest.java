package dev.atelier.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Stop strings across the pieces a model streams. */
class StopFilterTest {

	private static List<String> filter(List<String> stops, String... pieces) {
		List<String> out = new ArrayList<>();
		StopFilter filter = new StopFilter(stops, out::add);
		for (String piece : pieces) {
			filter.accept(piece);
		}
		filter.finish();
		return out;
	}

	@Test
	void aStopStringSplitAcrossPiecesEndsTheTextBeforeIt() {
		List<String> out = new ArrayList<>();
		StopFilter filter = new StopFilter(List.of("</s>", "\n\n"), out::add);
		filter.accept("Hello <");
		assertEquals(List.of("Hello "), out, "'<' may begin a stop string: held back");
		filter.accept("/");
		filter.accept("s> more");
		assertTrue(filter.stopped());
		filter.accept("ignored");
		filter.finish();
		assertEquals(List.of("Hello "), out);
	}

	@Test
	void heldTextThatBecomesNoStopStringIsPassedOnInOrder() {
		assertEquals("a <b> c\n", String.join("", filter(List.of("</s>", "\n\n"), "a <", "b> c", "\n")));
		assertEquals(List.of("plain text"), filter(List.of(), "plain text"));
		assertEquals("x", String.join("", filter(List.of("yy", "xyz"), "x", "yy")), "the earliest stop string wins");
	}
}
