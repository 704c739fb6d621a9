package dev.atelier.diffusion.internal.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AUTOMATIC1111's prompt weighting ("attention"): {@code (text)} multiplies the text's weight by 1.1, {@code [text]}
 * divides it by 1.1, {@code (text:1.3)} multiplies it by 1.3; brackets nest and multiply, brackets left open are closed
 * at the end, a bracket with nothing to close is kept as text, {@code \(} {@code \)} {@code \[} {@code \]} and
 * {@code \\} are the characters themselves, and the word {@code BREAK} ends the current chunk of 75 tokens. Adjacent
 * pieces of equal weight are joined.
 */
public final class PromptAttention {

	/** A run of text with its weight, or a BREAK. */
	public record Piece(String text, double weight, boolean isBreak) {

		static Piece text(String text, double weight) {
			return new Piece(text, weight, false);
		}
	}

	private static final double ROUND = 1.1;
	private static final Pattern TOKENS = Pattern.compile("\\\\[()\\[\\]\\\\]|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|\\]|[^\\\\()\\[\\]:]+|:");
	private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*", Pattern.DOTALL);

	private PromptAttention() {
	}

	public static List<Piece> parse(String prompt) {
		List<Piece> pieces = new ArrayList<>();
		List<Integer> round = new ArrayList<>();
		List<Integer> square = new ArrayList<>();
		Matcher m = TOKENS.matcher(prompt);
		while (m.find()) {
			String t = m.group();
			Double weight = number(m.group(1));
			if (t.startsWith("\\")) {
				pieces.add(Piece.text(t.substring(1), 1));
			} else if (t.equals("(")) {
				round.add(pieces.size());
			} else if (t.equals("[")) {
				square.add(pieces.size());
			} else if (weight != null && !round.isEmpty()) {
				multiply(pieces, round.removeLast(), weight);
			} else if (t.equals(")") && !round.isEmpty()) {
				multiply(pieces, round.removeLast(), ROUND);
			} else if (t.equals("]") && !square.isEmpty()) {
				multiply(pieces, square.removeLast(), 1 / ROUND);
			} else {
				String[] parts = BREAK.split(t, -1);
				for (int i = 0; i < parts.length; i++) {
					if (i > 0) {
						pieces.add(new Piece("BREAK", 1, true));
					}
					pieces.add(Piece.text(parts[i], 1));
				}
			}
		}
		// still open: closed at the end, in the order they were opened
		for (int start : round) {
			multiply(pieces, start, ROUND);
		}
		for (int start : square) {
			multiply(pieces, start, 1 / ROUND);
		}
		if (pieces.isEmpty()) {
			pieces.add(Piece.text("", 1));
		}
		List<Piece> joined = new ArrayList<>();
		for (Piece p : pieces) {
			Piece last = joined.isEmpty() ? null : joined.getLast();
			if (last != null && !last.isBreak() && !p.isBreak() && last.weight() == p.weight()) {
				joined.set(joined.size() - 1, Piece.text(last.text() + p.text(), p.weight()));
			} else {
				joined.add(p);
			}
		}
		return joined;
	}

	/** A weight such as {@code 1.2}; one that does not parse ({@code 1.2.3}) leaves its text as text. */
	private static Double number(String text) {
		if (text == null) {
			return null;
		}
		try {
			return Double.parseDouble(text);
		} catch (NumberFormatException e) {
			return null;
		}
	}

	private static void multiply(List<Piece> pieces, int from, double factor) {
		for (int i = from; i < pieces.size(); i++) {
			Piece p = pieces.get(i);
			pieces.set(i, new Piece(p.text(), p.isBreak() ? p.weight() : p.weight() * factor, p.isBreak()));
		}
	}
}
