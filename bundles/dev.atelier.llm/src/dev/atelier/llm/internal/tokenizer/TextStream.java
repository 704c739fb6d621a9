package dev.atelier.llm.internal.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Generated tokens as text, piece by piece: each token yields what it adds to the decoded text, and nothing while
 * a character is still incomplete (a character may take several byte tokens).
 */
public final class TextStream {

	private final Tokenizer tokenizer;
	private final List<Integer> ids = new ArrayList<>();
	private int shown;

	public TextStream(Tokenizer tokenizer) {
		this.tokenizer = tokenizer;
	}

	/** The text {@code token} adds; empty while it ends inside a character. */
	public String add(int token) {
		ids.add(token);
		String text = tokenizer.decode(ids);
		if (text.length() <= shown || text.endsWith("\uFFFD")) {
			return "";
		}
		String piece = text.substring(shown);
		shown = text.length();
		return piece;
	}
}
