package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;

/** {@code atelier llm synth --type q4_k|q5_k|q6_k} writes K-quant models that {@code llm generate} runs. */
class SynthKQuantCommandTest {

	private record Run(int code, String out, String err) {
	}

	private static Run atelier(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Cli.run(List.of(Engines.llmCommand()), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), List.of(args));
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void synthWritesEachKQuantAndGenerateRunsIt(@TempDir Path dir) throws Exception {
		String vocab = TinyVocab.write(dir.resolve("vocab.gguf")).toString();
		for (String type : List.of("q4_k", "q5_k", "q6_k")) {
			Path model = dir.resolve(type + ".gguf");
			Run synth = atelier("llm", "synth", "--shape", "tiny256", "--type", type, "--vocab", vocab, "--out", model.toString());
			assertEquals(0, synth.code(), synth.err());
			try (GgufFile gguf = GgufFile.open(model)) {
				assertEquals(GgmlType.valueOf(type.toUpperCase(java.util.Locale.ROOT)), gguf.tensors().get("blk.1.ffn_down.weight").type());
			}
			Run generate = atelier("llm", "generate", "--model", model.toString(), "--prompt-ids", "1 5 9", "--max-tokens", "6", "--temperature",
					"0", "--emit", "ids");
			assertEquals(0, generate.code(), generate.err());
			List<String> ids = new ArrayList<>(List.of(generate.out().trim().split("\\s+")));
			assertEquals(6, ids.size(), type + " generated " + generate.out());
		}
	}

	@Test
	void aShapeWhoseRowsAreNotWholeSuperBlocksIsRefused(@TempDir Path dir) throws Exception {
		String vocab = TinyVocab.write(dir.resolve("vocab.gguf")).toString();
		Run synth = atelier("llm", "synth", "--shape", "tiny", "--type", "q4_k", "--vocab", vocab, "--out", dir.resolve("x.gguf").toString());
		assertNotEquals(0, synth.code());
		assertTrue(synth.err().contains("rows of 64 are not whole Q4_K blocks"), synth.err());
	}
}
