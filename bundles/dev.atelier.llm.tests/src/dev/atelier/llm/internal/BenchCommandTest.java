package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;

/** {@code atelier llm bench}: its speeds, and the memory the model allocated under its lease against the lease. */
class BenchCommandTest {

	/** The bench's standard output, after checking it exited 0. */
	private static String bench(Path dir, String... options) throws Exception {
		Path model = dir.resolve("tiny-q8_0.gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(model, "tiny", GgmlType.Q8_0, vocab, 3);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> args = new java.util.ArrayList<>(List.of("llm", "bench", "--model", model.toString(), "--device", "cpu", "--prompt-tokens", "8"));
		args.addAll(List.of(options));
		int code = Cli.run(List.of(Engines.llmCommand()), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), args);
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		return out.toString(StandardCharsets.UTF_8);
	}

	@Test
	void parallelAnswersReportTheirAggregateTokensPerSecondBesideOneAnswersAndTheMeanBatch(@TempDir Path dir) throws Exception {
		String text = bench(dir, "--tokens", "16", "--parallel", "3");
		Matcher one = Pattern.compile("(?m)^batched tg16, 1 answer:  ([0-9.]+) tokens/s$").matcher(text);
		Matcher three = Pattern.compile(
				"(?m)^batched tg16, 3 answers: ([0-9.]+) tokens/s aggregate \\(([0-9.]+)× one answer's\\), ([0-9.]+) tokens/s each, mean batch ([0-9.]+)$")
				.matcher(text);
		assertTrue(one.find() && three.find(), text);
		assertTrue(Double.parseDouble(one.group(1)) > 0 && Double.parseDouble(three.group(1)) > 0, text);
		double meanBatch = Double.parseDouble(three.group(4));
		assertTrue(meanBatch >= 1 && meanBatch <= 3, "a step holds one to three answers: " + text);
	}

	@Test
	void benchReportsTheMemoryAllocatedUnderTheLeaseAgainstTheLease(@TempDir Path dir) throws Exception {
		String text = bench(dir, "--tokens", "4");
		assertTrue(text.contains("prefill pp8: ") && text.contains("decode  tg4: "), text);
		Matcher memory = Pattern.compile("(?m)^memory: cpu: ([0-9.]+) GiB allocated of a ([0-9.]+) GiB lease \\(([0-9.]+) %\\)$").matcher(text);
		assertTrue(memory.find(), text);
		double share = Double.parseDouble(memory.group(3));
		assertTrue(share > 0 && share <= 100, "what the model holds lies within its lease: " + text);
	}
}
