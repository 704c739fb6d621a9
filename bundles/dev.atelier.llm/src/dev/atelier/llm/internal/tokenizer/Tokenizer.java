package dev.atelier.llm.internal.tokenizer;

import java.util.List;

/** Text to token ids and back, as llama.cpp's tokenizer of the same kind does it. */
public interface Tokenizer {

	/** The ids of {@code text}, without BOS and without parsing special tokens in it. */
	List<Integer> encode(String text);

	/** The bytes the ids stand for, as text (invalid UTF-8 replaced). */
	String decode(List<Integer> ids);

	int vocabularySize();

	/** As {@link #encode}, but the text of control and user-defined tokens (chat markers) becomes those tokens. */
	default List<Integer> encodeWithSpecials(String text) {
		return encode(text);
	}

	/** The id of a token by its exact text, e.g. {@code <|eot_id|>}. */
	default java.util.OptionalInt id(String text) {
		return java.util.OptionalInt.empty();
	}
}
