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

	private record Ran(int code, String out, String err) {
	}

	/** {@code atelier llm COMMAND --model TINY --device cpu OPTIONS…} on a tiny Q8_0 model (a 256-token context). */
	private static Ran llm(Path dir, String command, String... options) throws Exception {
		Path model = dir.resolve("tiny-q8_0.gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(model, "tiny", GgmlType.Q8_0, vocab, 3);
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> args = new java.util.ArrayList<>(List.of("llm", command, "--model", model.toString(), "--device", "cpu"));
		args.addAll(List.of(options));
		int code = Cli.run(List.of(Engines.llmCommand()), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), args);
		return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	/** The bench's standard output, after checking it exited 0. */
	private static String bench(Path dir, String... options) throws Exception {
		List<String> args = new java.util.ArrayList<>(List.of("--prompt-tokens", "8"));
		args.addAll(List.of(options));
		Ran ran = llm(dir, "bench", args.toArray(String[]::new));
		assertEquals(0, ran.code(), ran.err());
		return ran.out();
	}

	@Test
	void aPromptAndAnswerLongerThanTheModelsContextAreAUsageErrorNamingBoth(@TempDir Path dir) throws Exception {
		Ran ran = llm(dir, "bench", "--prompt-tokens", "100000");
		assertEquals(2, ran.code(), ran.err());
		assertEquals("atelier llm bench: --prompt-tokens 100000 and --tokens 64 need a context of 100064 tokens; tiny-q8_0.gguf's holds 256"
				+ " (see atelier llm bench --help)\n", ran.err());
	}

	@Test
	void moreThreadsThanTheCoresCanUseAreAUsageErrorBeforeAnyStart(@TempDir Path dir) throws Exception {
		Ran ran = llm(dir, "generate", "--prompt", "hi", "--max-tokens", "2", "--threads", "100000");
		assertEquals(2, ran.code(), ran.err());
		int cores = Runtime.getRuntime().availableProcessors();
		assertEquals("atelier llm generate: --threads: 100000 is more than " + 8 * cores + " (8 for each of the " + cores + " cores here) (see atelier llm"
				+ " generate --help)\n", ran.err());
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
