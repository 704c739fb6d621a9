package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufWriter;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/** A tokenizer made from a GGUF file's metadata. */
class GgufTokenizerTest {

	/** Found by fuzzing (docs/fuzzing.md): the id went into every unknown word's tokens, and decoding them failed. */
	@Test
	void anUnknownTokenIdOutsideTheVocabularyIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("bert.gguf");
		new GgufWriter().put("tokenizer.ggml.model", "bert").put("tokenizer.ggml.tokens", List.of("[UNK]", "hello", "##lo"))
				.put("tokenizer.ggml.unknown_token_id", 7).write(file);
		try (GgufFile gguf = GgufFile.open(file)) {
			assertEquals(file + ": tokenizer.ggml.unknown_token_id 7 is not a token of the 3-token vocabulary",
					assertThrows(ModelFormatException.class, () -> Tokenizers.of(gguf)).getMessage());
		}
		Path defaulted = dir.resolve("default.gguf");
		new GgufWriter().put("tokenizer.ggml.model", "bert").put("tokenizer.ggml.tokens", List.of("[UNK]", "hello")).write(defaulted);
		try (GgufFile gguf = GgufFile.open(defaulted)) {
			assertEquals(defaulted + ": tokenizer.ggml.unknown_token_id 100 is not a token of the 2-token vocabulary (the default where the file sets none)",
					assertThrows(ModelFormatException.class, () -> Tokenizers.of(gguf)).getMessage());
		}
	}
}
