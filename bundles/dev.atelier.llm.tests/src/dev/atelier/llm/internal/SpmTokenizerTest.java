package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/** The SentencePiece tokenizer on a vocabulary the test makes (llama.cpp's real ones: VocabTestVectorsTest, with $ATELIER_TESTDATA). */
class SpmTokenizerTest {

	@Test
	void wordsMergeIntoTheirPiecesAndTheRestFallsBackToBytes(@TempDir Path dir) throws Exception {
		try (GgufFile gguf = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			Tokenizer t = Tokenizers.of(gguf);
			List<Integer> hello = t.encode("hello");
			assertEquals(1, hello.size(), "one piece for a word of the vocabulary: " + hello);
			assertEquals("hello", t.decode(hello).strip());
			List<Integer> accent = t.encode("é");
			assertTrue(accent.size() >= 2, "é is not a piece: its two UTF-8 bytes are byte tokens: " + accent);
			String text = "Hello, how are you? Tell me about the number 42 ü";
			assertEquals(text, t.decode(t.encode(text)).strip(), "decoding gives the text back");
			assertTrue(t.encode(text).size() < text.length(), "merged, not a token per character");
		}
	}
}
