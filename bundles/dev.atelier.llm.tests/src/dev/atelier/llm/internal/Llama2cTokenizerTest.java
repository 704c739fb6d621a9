package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.gguf.GgufFile;
import dev.atelier.llm.internal.cli.VocabTest;
import dev.atelier.llm.internal.tokenizer.Llama2cTokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/** llama2.c's tokenizer.bin holds the Llama 2 vocabulary: it must tokenize exactly as that vocabulary's GGUF does. */
class Llama2cTokenizerTest {

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

	@Test
	void aTruncatedTokenizerIsRefusedNamingTheToken(@TempDir Path dir) throws Exception {
		Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(Files.readAllBytes(TestData.llm("tokenizer.bin")), 1000));
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> Llama2cTokenizer.read(cut, 32000));
		assertTrue(e.getMessage().startsWith(cut + ": token "), e.getMessage());
	}
}
