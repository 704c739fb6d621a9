package dev.atelier.llm.internal.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A model's tokens as stored (bytes), their scores and types, and the lookup from bytes to id. Byte strings are
 * keyed as Latin-1 strings: one char per byte, so any byte sequence is a key.
 */
final class Vocabulary {

	static final int TYPE_NORMAL = 1;
	static final int TYPE_UNKNOWN = 2;
	static final int TYPE_CONTROL = 3;
	static final int TYPE_USER_DEFINED = 4;
	static final int TYPE_BYTE = 6;

	private final List<byte[]> tokens;
	private final float[] scores;
	private final int[] types;
	private final Map<String, Integer> ids = new HashMap<>();

	Vocabulary(List<byte[]> tokens, float[] scores, int[] types) {
		this.tokens = tokens;
		this.scores = scores;
		this.types = types;
		for (int i = 0; i < tokens.size(); i++) {
			ids.putIfAbsent(key(tokens.get(i)), i);
		}
	}

	static String key(byte[] bytes) {
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	static String key(byte[] bytes, int from, int length) {
		return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
	}

	int size() {
		return tokens.size();
	}

	OptionalInt id(String key) {
		Integer id = ids.get(key);
		return id == null ? OptionalInt.empty() : OptionalInt.of(id);
	}

	byte[] bytes(int id) {
		return tokens.get(id);
	}

	float score(int id) {
		return scores == null ? 0 : scores[id];
	}

	int type(int id) {
		return types == null ? TYPE_NORMAL : types[id];
	}
}
