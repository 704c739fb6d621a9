package dev.atelier.llm.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.atelier.llm.gguf.GgufWriter;

/**
 * A SentencePiece (llama) vocabulary small enough to make in a test, as a GGUF file: {@code <unk> <s> </s>}, the 256
 * byte tokens for byte fallback, the printable ASCII characters, and every prefix of a few words (so that SPM's
 * pairwise merges reach each word, longer pieces scoring higher). Stands in for llama.cpp's ggml-vocab-llama-spm.gguf
 * where a test needs a working tokenizer, not that one's ids.
 */
final class TinyVocab {

	static final String WORDS = "the a be brief hi hello why tell me about number please and now it is word inst sys you how are";
	private static final int NORMAL = 1;
	private static final int UNKNOWN = 2;
	private static final int CONTROL = 3;
	private static final int BYTE = 6;

	private TinyVocab() {
	}

	static Path write(Path file) throws IOException {
		List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
		List<Integer> types = new ArrayList<>(List.of(UNKNOWN, CONTROL, CONTROL));
		List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
		for (int b = 0; b < 256; b++) {
			tokens.add(String.format(Locale.ROOT, "<0x%02X>", b));
			types.add(BYTE);
			scores.add(0f);
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
		for (String piece : pieces) {
			tokens.add(piece);
			types.add(NORMAL);
			scores.add((float) piece.length());
		}
		float[] scoreArray = new float[scores.size()];
		int[] typeArray = new int[types.size()];
		for (int i = 0; i < scoreArray.length; i++) {
			scoreArray[i] = scores.get(i);
			typeArray[i] = types.get(i);
		}
		new GgufWriter().put("general.architecture", "llama").put("tokenizer.ggml.model", "llama").put("tokenizer.ggml.tokens", tokens)
				.put("tokenizer.ggml.scores", scoreArray).put("tokenizer.ggml.token_type", typeArray).put("tokenizer.ggml.bos_token_id", 1)
				.put("tokenizer.ggml.eos_token_id", 2).put("tokenizer.ggml.unknown_token_id", 0).put("tokenizer.ggml.add_space_prefix", true)
				.put("tokenizer.ggml.add_bos_token", true).write(file);
		return file;
	}
}
