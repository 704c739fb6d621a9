package dev.atelier.llm.internal.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * WordPiece as llama.cpp's {@code bert} vocabularies do it: the text is NFD-normalised, stripped of combining
 * marks and lower-cased, split at
 * whitespace and around punctuation, ASCII symbols and CJK ideographs (control characters dropped), each word is
 * prefixed with U+2581 (the converted vocabulary's word-start mark), and matched greedily longest token first; a
 * word with a piece that matches nothing becomes the unknown token.
 */
final class WordPieceTokenizer implements Tokenizer {

	private static final String WORD_START = "\u2581";

	private final Vocabulary vocabulary;
	private final int unknown;
	private final int maxTokenBytes;

	WordPieceTokenizer(Vocabulary vocabulary, int unknown) {
		this.vocabulary = vocabulary;
		this.unknown = unknown;
		int max = 0;
		for (int i = 0; i < vocabulary.size(); i++) {
			max = Math.max(max, vocabulary.bytes(i).length);
		}
		this.maxTokenBytes = max;
	}

	@Override
	public int vocabularySize() {
		return vocabulary.size();
	}

	@Override
	public List<Integer> encode(String text) {
		List<Integer> out = new ArrayList<>();
		for (String word : words(text)) {
			byte[] bytes = (WORD_START + word).getBytes(StandardCharsets.UTF_8);
			int before = out.size();
			for (int i = 0; i < bytes.length; i++) {
				boolean matched = false;
				for (int j = Math.min(bytes.length, i + maxTokenBytes + 1); j > i; j--) {
					OptionalInt id = vocabulary.id(Vocabulary.key(bytes, i, j - i));
					if (id.isPresent()) {
						out.add(id.getAsInt());
						matched = true;
						i = j - 1;
						break;
					}
				}
				if (!matched) {
					while (out.size() > before) {
						out.remove(out.size() - 1);
					}
					break;
				}
			}
			if (out.size() == before) {
				out.add(unknown);
			}
		}
		return out;
	}

	static List<String> words(String text) {
		List<String> words = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		String normalized = Normalizer.normalize(text, Normalizer.Form.NFD);
		for (int i = 0; i < normalized.length();) {
			int cp = normalized.codePointAt(i);
			i += Character.charCount(cp);
			if (isWhitespace(cp)) {
				flush(words, current);
				continue;
			}
			int type = Character.getType(cp);
			if (cp == 0 || cp == 0xFFFD || isOther(type) || type == Character.NON_SPACING_MARK) {
				continue; // accents go with NFD's combining marks, as BERT's uncased vocabularies expect
			}
			String lower = new String(Character.toChars(Character.toLowerCase(cp)));
			if (isPunctuation(type) || cp < 0x7F && isSymbol(type) || isChinese(cp)) {
				flush(words, current);
				words.add(lower);
			} else {
				current.append(lower);
			}
		}
		flush(words, current);
		return words;
	}

	private static void flush(List<String> words, StringBuilder current) {
		if (!current.isEmpty()) {
			words.add(current.toString());
			current.setLength(0);
		}
	}

	/** Unicode's White_Space property. */
	static boolean isWhitespace(int cp) {
		return cp >= 0x09 && cp <= 0x0D || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || cp >= 0x2000 && cp <= 0x200A || cp == 0x2028
				|| cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
	}

	private static boolean isOther(int type) {
		return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE || type == Character.SURROGATE
				|| type == Character.UNASSIGNED;
	}

	private static boolean isPunctuation(int type) {
		return type == Character.CONNECTOR_PUNCTUATION || type == Character.DASH_PUNCTUATION || type == Character.START_PUNCTUATION
				|| type == Character.END_PUNCTUATION || type == Character.INITIAL_QUOTE_PUNCTUATION || type == Character.FINAL_QUOTE_PUNCTUATION
				|| type == Character.OTHER_PUNCTUATION;
	}

	private static boolean isSymbol(int type) {
		return type == Character.MATH_SYMBOL || type == Character.CURRENCY_SYMBOL || type == Character.MODIFIER_SYMBOL || type == Character.OTHER_SYMBOL;
	}

	/** CJK ideographs, which BERT tokenizes one by one. */
	static boolean isChinese(int cp) {
		return cp >= 0x4E00 && cp <= 0x9FFF || cp >= 0x3400 && cp <= 0x4DBF || cp >= 0x20000 && cp <= 0x2A6DF || cp >= 0x2A700 && cp <= 0x2B73F
				|| cp >= 0x2B740 && cp <= 0x2B81F || cp >= 0x2B920 && cp <= 0x2CEAF || cp >= 0xF900 && cp <= 0xFAFF || cp >= 0x2F800 && cp <= 0x2FA1F;
	}

	@Override
	public String decode(List<Integer> ids) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int id : ids) {
			if (vocabulary.type(id) != Vocabulary.TYPE_CONTROL) {
				out.writeBytes(vocabulary.bytes(id));
			}
		}
		return new String(out.toByteArray(), StandardCharsets.UTF_8).replace(WORD_START, " ").strip();
	}
}
