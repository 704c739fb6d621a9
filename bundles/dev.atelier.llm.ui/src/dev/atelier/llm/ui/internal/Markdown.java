package dev.atelier.llm.ui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The markdown an answer is written in, as the transcript shows it: the text without its markers (fences, {@code **},
 * backticks, {@code #}), and the spans to style. Covers what chat models write: fenced code blocks, headings, bold,
 * italics, inline code and bullets; anything else stays as written.
 */
final class Markdown {

	enum Style {
		CODE_BLOCK, HEADING, BOLD, ITALIC, CODE
	}

	/** {@code length} characters of the rendered text from {@code start}, in a style. */
	record Span(int start, int length, Style style) {
	}

	record Rendered(String text, List<Span> spans) {
	}

	private static final Pattern FENCE = Pattern.compile("^\\s*```.*$");
	private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*)$");
	private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+(.*)$");
	// inline: `code`, **bold** or __bold__, *italic* or _italic_ (not inside words for underscores)
	private static final Pattern INLINE = Pattern.compile("`([^`\\n]+)`|\\*\\*(.+?)\\*\\*|__(.+?)__|\\*([^*\\s][^*]*?)\\*|(?<!\\w)_([^_\\s][^_]*?)_(?!\\w)");

	private Markdown() {
	}

	static Rendered render(String markdown) {
		StringBuilder out = new StringBuilder();
		List<Span> spans = new ArrayList<>();
		String[] lines = markdown.split("\n", -1);
		int codeStart = -1;
		for (int i = 0; i < lines.length; i++) {
			String line = lines[i];
			boolean last = i == lines.length - 1;
			if (FENCE.matcher(line).matches()) {
				if (codeStart < 0) {
					codeStart = out.length();
				} else {
					spans.add(new Span(codeStart, out.length() - codeStart, Style.CODE_BLOCK));
					codeStart = -1;
				}
				continue;
			}
			if (codeStart >= 0) {
				out.append(line).append(last ? "" : "\n");
				continue;
			}
			Matcher heading = HEADING.matcher(line);
			Matcher bullet = BULLET.matcher(line);
			if (heading.matches()) {
				int start = out.length();
				inline(heading.group(2), out, spans);
				spans.add(new Span(start, out.length() - start, Style.HEADING));
			} else if (bullet.matches()) {
				out.append(bullet.group(1)).append("• ");
				inline(bullet.group(2), out, spans);
			} else {
				inline(line, out, spans);
			}
			if (!last) {
				out.append('\n');
			}
		}
		if (codeStart >= 0 && out.length() > codeStart) {
			// an answer stopped inside a block: what was written of it is still code
			spans.add(new Span(codeStart, out.length() - codeStart, Style.CODE_BLOCK));
		}
		return new Rendered(out.toString(), List.copyOf(spans));
	}

	private static void inline(String text, StringBuilder out, List<Span> spans) {
		Matcher m = INLINE.matcher(text);
		int at = 0;
		while (m.find()) {
			out.append(text, at, m.start());
			int group = m.group(1) != null ? 1 : m.group(2) != null ? 2 : m.group(3) != null ? 3 : m.group(4) != null ? 4 : 5;
			Style style = switch (group) {
			case 1 -> Style.CODE;
			case 2, 3 -> Style.BOLD;
			default -> Style.ITALIC;
			};
			spans.add(new Span(out.length(), m.group(group).length(), style));
			out.append(m.group(group));
			at = m.end();
		}
		out.append(text, at, text.length());
	}
}
