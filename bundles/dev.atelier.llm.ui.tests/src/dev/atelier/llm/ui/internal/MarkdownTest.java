package dev.atelier.llm.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.llm.ui.internal.Markdown.Span;
import dev.atelier.llm.ui.internal.Markdown.Style;

/** An answer's markdown as the transcript shows it: the markers gone, the spans to style. */
class MarkdownTest {

	@Test
	void headingsBoldItalicsInlineCodeAndBulletsLoseTheirMarkers() {
		Markdown.Rendered r = Markdown.render("# Plan\nUse **two** passes, *then* `make`.\n- one\n* snake_case_name");
		assertEquals("Plan\nUse two passes, then make.\n• one\n• snake_case_name", r.text());
		assertEquals(List.of(new Span(0, 4, Style.HEADING), new Span(9, 3, Style.BOLD), new Span(21, 4, Style.ITALIC), new Span(26, 4, Style.CODE)),
				r.spans());
	}

	@Test
	void aFencedBlockIsCodeWithoutItsFencesAndABlockCutShortStaysCode() {
		assertEquals(new Markdown.Rendered("Here:\nint x = 1;\nDone.", List.of(new Span(6, 11, Style.CODE_BLOCK))),
				Markdown.render("Here:\n```java\nint x = 1;\n```\nDone."));
		assertEquals(new Markdown.Rendered("Here:\nint x = **1**;", List.of(new Span(6, 14, Style.CODE_BLOCK))), Markdown.render("Here:\n```\nint x = **1**;"));
	}
}
