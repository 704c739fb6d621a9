package dev.atelier.llm.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/**
 * Splits text at special tokens before the base tokenizer sees it, longest first, as llama.cpp does: user-defined
 * tokens always, control tokens (e.g. {@code <|im_start|>}) only when special tokens are parsed; the text between
 * goes to the base.
 */
final class SpecialTokens implements Tokenizer {

	private record Special(String text, int id, boolean control) {
	}

	private final Tokenizer base;
	private final Vocabulary vocabulary;
	private final List<Special> specials = new ArrayList<>();

	SpecialTokens(Tokenizer base, Vocabulary vocabulary) {
		this.base = base;
		this.vocabulary = vocabulary;
		for (int id = 0; id < vocabulary.size(); id++) {
			int type = vocabulary.type(id);
			if ((type == Vocabulary.TYPE_CONTROL || type == Vocabulary.TYPE_USER_DEFINED) && vocabulary.bytes(id).length > 0) {
				specials.add(new Special(new String(vocabulary.bytes(id), StandardCharsets.UTF_8), id, type == Vocabulary.TYPE_CONTROL));
			}
		}
		specials.sort(Comparator.comparingInt((Special s) -> s.text().length()).reversed());
	}

	@Override
	public List<Integer> encode(String text) {
		return partition(text, false);
	}

	@Override
	public List<Integer> encodeWithSpecials(String text) {
		return partition(text, true);
	}

	private List<Integer> partition(String text, boolean withControl) {
		List<Integer> out = new ArrayList<>();
		int plainFrom = 0;
		int at = 0;
		outer: while (at < text.length()) {
			for (Special s : specials) {
				if ((withControl || !s.control()) && text.startsWith(s.text(), at)) {
					if (at > plainFrom) {
						out.addAll(base.encode(text.substring(plainFrom, at)));
					}
					out.add(s.id());
					at += s.text().length();
					plainFrom = at;
					continue outer;
				}
			}
			at++;
		}
		if (plainFrom < text.length()) {
			out.addAll(base.encode(text.substring(plainFrom)));
		}
		return out;
	}

	@Override
	public OptionalInt id(String text) {
		return vocabulary.id(Vocabulary.key(text.getBytes(StandardCharsets.UTF_8)));
	}

	@Override
	public String decode(List<Integer> ids) {
		return base.decode(ids);
	}

	@Override
	public int vocabularySize() {
		return base.vocabularySize();
	}
}
