package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.cli.VocabTest;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/** llama.cpp's own tokenizer test vectors: every input of the .inp file gives the line of the .out file. */
class VocabTestVectorsTest {

	@ParameterizedTest
	@ValueSource(strings = { "ggml-vocab-llama-spm.gguf", "ggml-vocab-phi-3.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-bert-bge.gguf" })
	void reproducesLlamaCppsVectors(String vocab) throws Exception {
		Path model = TestData.llm("gguf-vocab/" + vocab);
		List<String> inputs = VocabTest.inputs(Files.readString(TestData.llm("gguf-vocab/" + vocab + ".inp")));
		List<String> expected = Files.readAllLines(TestData.llm("gguf-vocab/" + vocab + ".out"));
		try (GgufFile gguf = GgufFile.open(model)) {
			Tokenizer tokenizer = Tokenizers.of(gguf);
			List<String> wrong = new ArrayList<>();
			for (int i = 0; i < inputs.size(); i++) {
				String line = VocabTest.line(tokenizer.encode(inputs.get(i)));
				if (!line.equals(expected.get(i))) {
					wrong.add("input " + i + " " + inputs.get(i).replace("\n", "\\n") + ": expected '" + expected.get(i) + "', got '" + line + "'");
				}
			}
			assertEquals(List.of(), wrong, vocab);
		}
	}
}
