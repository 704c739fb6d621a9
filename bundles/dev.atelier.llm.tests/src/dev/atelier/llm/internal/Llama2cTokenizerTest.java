package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.cli.VocabTest;
import dev.atelier.llm.internal.tokenizer.Llama2cTokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/**
 * llama2.c's tokenizer.bin holds a SentencePiece vocabulary: it must tokenize exactly as the same vocabulary's GGUF
 * does — on the tiny vocabulary the test writes both ways, and (with $ATELIER_TESTDATA) on Llama 2's.
 */
class Llama2cTokenizerTest {

	private static final int SIZE = TinyVocab.TOKENS.size();

	@Test
	void tokenizerBinTokenizesAsTheSameVocabularysGguf(@TempDir Path dir) throws Exception {
		Tokenizer bin = Llama2cTokenizer.read(TinyVocab.writeLlama2c(dir.resolve("tokenizer.bin")), SIZE);
		assertEquals(List.of(TinyVocab.id("\u2581Hello"), TinyVocab.id(","), TinyVocab.id("\u2581how"), TinyVocab.id("\u2581are"),
				TinyVocab.id("\u2581you"), TinyVocab.id("?")), bin.encode("Hello, how are you?"), "spaces written as spaces are U+2581 again");
		assertEquals(List.of(TinyVocab.id("\u2581"), 3 + 0xC3, 3 + 0xA9), bin.encode("é"), "ids 3 to 258 are the byte tokens");
		try (GgufFile gguf = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			Tokenizer spm = Tokenizers.of(gguf);
			for (String text : List.of("Tell me about the number 42 please", "  two spaces, then\ttab and\nnewline", "ü ✓ 日本", "<s>why</s>", " ")) {
				assertEquals(spm.encode(text), bin.encode(text), text);
				assertEquals(text, bin.decode(bin.encode(text)).substring(1), "decoding gives the text back, after the space prefix");
			}
		}
	}

	@Test
	void truncatedOrForeignTokenizersAreRefusedNamingTheToken(@TempDir Path dir) throws Exception {
		byte[] whole = Files.readAllBytes(TinyVocab.writeLlama2c(dir.resolve("tokenizer.bin")));
		// 4 bytes of maximum length (7: " please"), then score, length and text: <unk> <s> </s> take 36 bytes, each <0xNN> 14.
		Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(whole, 1000));
		assertEquals(cut + ": token 71 has length 6 at byte 996 (the maximum is 7)",
				assertThrows(ModelFormatException.class, () -> Llama2cTokenizer.read(cut, SIZE)).getMessage());
		Path cutBetween = Files.write(dir.resolve("cut-between.bin"), Arrays.copyOf(whole, 996));
		assertEquals(cutBetween + ": token 71 of " + SIZE + ": the file ends at byte 992 (truncated?)",
				assertThrows(ModelFormatException.class, () -> Llama2cTokenizer.read(cutBetween, SIZE)).getMessage());
		assertEquals(dir.resolve("tokenizer.bin") + ": holds more than the model's " + (SIZE - 1) + " tokens: it is the tokenizer of another vocabulary",
				assertThrows(ModelFormatException.class, () -> Llama2cTokenizer.read(dir.resolve("tokenizer.bin"), SIZE - 1)).getMessage());
		Path empty = Files.write(dir.resolve("empty.bin"), new byte[2]);
		assertEquals(empty + ": a llama2.c tokenizer starts with a 4-byte maximum token length; the file has 2 bytes",
				assertThrows(ModelFormatException.class, () -> Llama2cTokenizer.read(empty, SIZE)).getMessage());
	}

	@Test
	void tokenizerBinAgreesWithTheLlama2GgufOnLlamaCppsVectors() throws Exception {
		Tokenizer bin = Llama2cTokenizer.read(TestData.llm("tokenizer.bin"), 32000);
		List<String> inputs = VocabTest.inputs(Files.readString(TestData.llm("gguf-vocab/ggml-vocab-llama-spm.gguf.inp")));
		List<String> expected = Files.readAllLines(TestData.llm("gguf-vocab/ggml-vocab-llama-spm.gguf.out"));
		for (int i = 0; i < inputs.size(); i++) {
			assertEquals(expected.get(i), VocabTest.line(bin.encode(inputs.get(i))), "input " + i + ": " + inputs.get(i));
		}
		try (GgufFile gguf = GgufFile.open(TestData.llm("gguf-vocab/ggml-vocab-llama-spm.gguf"))) {
			Tokenizer spm = Tokenizers.of(gguf);
			List<Integer> ids = spm.encode("Once upon a time, there was a little girl named Lily.");
			assertEquals("Once upon a time, there was a little girl named Lily.", bin.decode(ids).strip());
		}
	}
}
