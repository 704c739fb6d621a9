package dev.atelier.llm.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.atelier.llm.internal.gguf.GgufWriter;

/**
 * A SentencePiece (llama) vocabulary small enough to make in a test, as a GGUF file: {@code <unk> <s> </s>}, the 256
 * byte tokens for byte fallback, the printable ASCII characters, and every prefix of a few words (so that SPM's
 * pairwise merges reach each word, longer pieces scoring higher). Stands in for llama.cpp's ggml-vocab-llama-spm.gguf
 * where a test needs a working tokenizer, not that one's ids; the same tokens as llama2.c's tokenizer.bin stand in
 * for the Llama 2 one.
 */
final class TinyVocab {

	static final String WORDS = "the a be brief hi hello why tell me about number please and now it is word inst sys you how are";
	private static final int NORMAL = 1;
	private static final int UNKNOWN = 2;
	private static final int CONTROL = 3;
	private static final int BYTE = 6;

	/** Every token in id order. */
	static final List<String> TOKENS;
	private static final float[] SCORES;
	private static final int[] TYPES;

	static {
		List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
		for (int b = 0; b < 256; b++) {
			tokens.add(String.format(Locale.ROOT, "<0x%02X>", b));
		}
		Set<String> pieces = new LinkedHashSet<>();
		pieces.add("\u2581");
		for (char c = 33; c < 127; c++) {
			pieces.add(Character.toString(c));
		}
		for (String word : WORDS.split(" ")) {
			for (String w : List.of(word, word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1))) {
				String spaced = "\u2581" + w;
				for (int end = 2; end <= spaced.length(); end++) {
					pieces.add(spaced.substring(0, end));
				}
			}
		}
		tokens.addAll(pieces);
		TOKENS = List.copyOf(tokens);
		SCORES = new float[TOKENS.size()];
		TYPES = new int[TOKENS.size()];
		for (int id = 0; id < TOKENS.size(); id++) {
			TYPES[id] = id == 0 ? UNKNOWN : id <= 2 ? CONTROL : id <= 258 ? BYTE : NORMAL;
			SCORES[id] = TYPES[id] == NORMAL ? TOKENS.get(id).length() : 0;
		}
	}

	private TinyVocab() {
	}

	/** The id of a token by its text. */
	static int id(String token) {
		int id = TOKENS.indexOf(token);
		if (id < 0) {
			throw new IllegalArgumentException("not a token of the tiny vocabulary: " + token);
		}
		return id;
	}

	/** Puts the tokenizer's {@code tokenizer.ggml.*} metadata. */
	static GgufWriter tokenizer(GgufWriter w) {
		return w.put("tokenizer.ggml.model", "llama").put("tokenizer.ggml.tokens", TOKENS).put("tokenizer.ggml.scores", SCORES)
				.put("tokenizer.ggml.token_type", TYPES).put("tokenizer.ggml.bos_token_id", 1).put("tokenizer.ggml.eos_token_id", 2)
				.put("tokenizer.ggml.unknown_token_id", 0).put("tokenizer.ggml.add_space_prefix", true).put("tokenizer.ggml.add_bos_token", true);
	}

	static Path write(Path file) throws IOException {
		tokenizer(new GgufWriter().put("general.architecture", "llama")).write(file);
		return file;
	}

	/**
	 * The same tokens as llama2.c's tokenizer.bin: the longest token's byte length, then per token its score, byte
	 * length and bytes, with U+2581 written as a space as llama2.c's export does.
	 */
	static Path writeLlama2c(Path file) throws IOException {
		List<byte[]> texts = TOKENS.stream().map(t -> t.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8)).toList();
		int longest = texts.stream().mapToInt(b -> b.length).max().orElseThrow();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(littleEndian(4).putInt(longest).array());
		for (int id = 0; id < texts.size(); id++) {
			out.writeBytes(littleEndian(8).putFloat(SCORES[id]).putInt(texts.get(id).length).array());
			out.writeBytes(texts.get(id));
		}
		return Files.write(file, out.toByteArray());
	}

	private static ByteBuffer littleEndian(int bytes) {
		return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
	}
}
