package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.engine.Perplexity;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufWriter;
import dev.atelier.llm.internal.engine.SyntheticModel;

/**
 * {@code atelier llm perplexity} on the tiny Llama: llama.cpp's measure (BOS in each chunk's first slot, only the
 * second half scored) recomputed here from the engine's logits token by token; {@code --base} against itself and
 * against other weights; and the inputs it refuses.
 */
class PerplexityTest {

	private static final int CTX = 16;

	record Run(int code, String out, String err) {
		List<String> lines() {
			return out.lines().toList();
		}
	}

	private static Run cli(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		List<String> all = new ArrayList<>(List.of("llm", "perplexity"));
		all.addAll(List.of(args));
		int code = Cli.run(List.of(Engines.llmCommand()), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), all);
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	/** Sentences of the tiny vocabulary's words, so that most words are one token. */
	private static Path text(Path dir, int words) throws Exception {
		String[] vocabulary = TinyVocab.WORDS.split(" ");
		Random r = new Random(3);
		StringBuilder s = new StringBuilder();
		for (int i = 0; i < words; i++) {
			s.append(i % 7 == 0 ? (i == 0 ? "" : ". ") + "The" : " " + vocabulary[r.nextInt(vocabulary.length)]);
		}
		return Files.writeString(dir.resolve("text.txt"), s + ".\n");
	}

	private static double number(String text, String regex) {
		Matcher m = Pattern.compile(regex).matcher(text);
		assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
		return Double.parseDouble(m.group(1));
	}

	@Test
	void thePerplexityIsExpOfTheMeanNllOverTheSecondHalfOfEachChunkWithBosFirst(@TempDir Path dir) throws Exception {
		Path model = new TinyLlama(false, 11).writeGguf(dir.resolve("tiny.gguf"));
		Path text = text(dir, 150);
		Run run = cli("--model", model.toString(), "--file", text.toString(), "--ctx", String.valueOf(CTX), "--threads", "2");
		assertEquals(0, run.code(), run.err());

		// independently: the decode path, one token at a time, log-softmax in double
		int[] tokens;
		int bos;
		List<Double> nlls = new ArrayList<>();
		try (EmbeddedModel embedded = EmbeddedModel.open(model, Engines.cpu(1), CTX)) {
			tokens = embedded.prompt(Files.readString(text)).stream().mapToInt(Integer::intValue).toArray();
			bos = embedded.bos().orElseThrow();
			assertEquals(bos, tokens[0], "the text starts with BOS, as the vocabulary says");
			Llama llama = embedded.llama();
			for (int c = 0; c < tokens.length / CTX; c++) {
				int[] chunk = Arrays.copyOfRange(tokens, c * CTX, (c + 1) * CTX);
				chunk[0] = bos;
				for (int pos = 0; pos < CTX - 1; pos++) {
					float[] logits = llama.forward(chunk[pos], pos);
					if (pos >= CTX / 2) {
						double max = Double.NEGATIVE_INFINITY;
						for (float l : logits) {
							max = Math.max(max, l);
						}
						double sum = 0;
						for (float l : logits) {
							sum += Math.exp(l - max);
						}
						nlls.add(max + Math.log(sum) - logits[chunk[pos + 1]]);
					}
				}
			}
		}
		int chunks = tokens.length / CTX;
		assertTrue(chunks >= 5, "the text makes " + chunks + " chunks");
		assertEquals(chunks * (CTX / 2 - 1), nlls.size());
		double mean = nlls.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
		double meanSquare = nlls.stream().mapToDouble(v -> v * v).average().orElseThrow();
		double ppl = Math.exp(mean);
		double error = ppl * Math.sqrt((meanSquare - mean * mean) / (nlls.size() - 1));

		List<String> lines = run.lines();
		String last = lines.get(lines.size() - 1);
		assertTrue(last.startsWith("Final estimate: PPL = "), last);
		assertEquals(ppl, number(last, "PPL = ([0-9.]+)"), ppl * 1e-4, "the printed perplexity");
		assertEquals(error, number(last, "\\+/- ([0-9.]+)"), error * 1e-3 + 1e-5, "its uncertainty, as llama.cpp states it");
		String running = lines.get(lines.size() - 2);
		assertTrue(running.startsWith("[1]") && running.contains("[" + chunks + "]") && !running.contains("[" + (chunks + 1) + "]"), running);
		assertEquals(ppl, number(running, "\\[" + chunks + "\\]([0-9.]+),"), ppl * 1e-4, "the last running estimate is the final one");

		Run two = cli("--model", model.toString(), "--file", text.toString(), "--ctx", String.valueOf(CTX), "--chunks", "2");
		assertEquals(0, two.code(), two.err());
		// the same to rounding: the Vector API may sum a vector's lanes in another order once the JIT compiles it
		assertTrue(two.lines().get(0).matches("\\[1\\][0-9.]+,\\[2\\][0-9.]+,"), "--chunks 2 scores two chunks: " + two.out());
		for (int c = 1; c <= 2; c++) {
			double full = number(running, "\\[" + c + "\\]([0-9.]+),");
			assertEquals(full, number(two.out(), "\\[" + c + "\\]([0-9.]+),"), full * 1e-5, "chunk " + c + " with --chunks 2");
		}
	}

	@Test
	void aBaseOfTheSameWeightsDivergesByNothingAndOtherWeightsDo(@TempDir Path dir) throws Exception {
		Path model = new TinyLlama(false, 11).writeGguf(dir.resolve("tiny.gguf"));
		Path copy = Files.copy(model, dir.resolve("copy.gguf"));
		Path other = new TinyLlama(false, 12).writeGguf(dir.resolve("other.gguf"));
		Path text = text(dir, 150);

		Run same = cli("--model", model.toString(), "--base", copy.toString(), "--file", text.toString(), "--ctx", String.valueOf(CTX));
		assertEquals(0, same.code(), same.err());
		assertEquals(0.0, number(same.out(), "Mean KLD = ([0-9.]+)"), "KL divergence of a model from itself");
		assertEquals(100.0, number(same.out(), "Same top = ([0-9.]+)"), "top-1 agreement with itself, %");
		double basePpl = number(same.out(), "Base PPL = ([0-9.]+)");
		assertEquals(basePpl, number(same.out(), "Final estimate: PPL = ([0-9.]+)"), basePpl * 1e-5, "the base's perplexity is the model's");

		Run differs = cli("--model", model.toString(), "--base", other.toString(), "--file", text.toString(), "--ctx", String.valueOf(CTX));
		assertEquals(0, differs.code(), differs.err());
		double kl = number(differs.out(), "Mean KLD = ([0-9.]+)");
		double klError = number(differs.out(), "Mean KLD = [0-9.]+ \\+/- ([0-9.]+)");
		assertTrue(kl > 0 && klError > 0 && klError < kl, "KL divergence of other weights: " + differs.out());
		assertTrue(number(differs.out(), "Same top = ([0-9.]+)") < 100, differs.out());
		assertTrue(differs.lines().get(differs.lines().size() - 1).startsWith("Final estimate: PPL = "), "the final estimate stays the last line");
		double ppl = number(same.out(), "Final estimate: PPL = ([0-9.]+)");
		assertEquals(ppl, number(differs.out(), "Final estimate: PPL = ([0-9.]+)"), ppl * 1e-5, "the model's perplexity does not depend on the base");
	}

	@Test
	void badInputIsRefusedNamingTheOptionOrTheFile(@TempDir Path dir) throws Exception {
		Path model = new TinyLlama(false, 11).writeGguf(dir.resolve("tiny.gguf"));
		Path text = text(dir, 150);
		String m = model.toString();
		String t = text.toString();

		for (String ctx : List.of("15", "6")) {
			Run bad = cli("--model", m, "--file", t, "--ctx", ctx);
			assertEquals(2, bad.code(), bad.err());
			assertEquals(1, bad.err().lines().count(), bad.err());
			assertTrue(bad.err().contains("--ctx: " + ctx + " is not an even number of at least 8"), bad.err());
		}
		Run noChunks = cli("--model", m, "--file", t, "--ctx", "16", "--chunks", "0");
		assertEquals(2, noChunks.code(), noChunks.err());

		Path missing = dir.resolve("missing.txt");
		Run noText = cli("--model", m, "--file", missing.toString(), "--ctx", "16");
		assertEquals(1, noText.code());
		assertEquals("atelier llm perplexity: " + missing + ": no such file", noText.err().strip());

		Path noModel = dir.resolve("missing.gguf");
		Run noModelRun = cli("--model", noModel.toString(), "--file", t, "--ctx", "16");
		assertEquals(1, noModelRun.code());
		assertEquals("atelier llm perplexity: " + noModel + ": no such file", noModelRun.err().strip());

		Path shortText = Files.writeString(dir.resolve("short.txt"), "Hello, how are you?");
		Run tooShort = cli("--model", m, "--file", shortText.toString(), "--ctx", "16");
		assertEquals(1, tooShort.code());
		assertTrue(tooShort.err().matches("(?s)atelier llm perplexity: " + Pattern.quote(shortText.toString())
				+ " tokenizes to \\d+ tokens; --ctx 16 needs at least 32\\s*"), tooShort.err());

		Run longerThanModel = cli("--model", m, "--file", t, "--ctx", "64");
		assertEquals(1, longerThanModel.code());
		assertTrue(longerThanModel.err().contains("--ctx 64 is longer than the context of 48 tokens that " + m + " declares"), longerThanModel.err());

		Run gpu = cli("--model", m, "--file", t, "--ctx", "16", "--device", "cuda:99");
		assertEquals(2, gpu.code());
		assertTrue(gpu.err().contains("--device: no device 'cuda:99'; known: "), gpu.err());

		// the same number of tokens, one of them another text: ids no longer mean the same
		List<String> tokens = new ArrayList<>(TinyVocab.TOKENS);
		tokens.set(tokens.indexOf("\u2581hello"), "\u2581jello");
		Path otherVocab = dir.resolve("other-vocab.gguf");
		TinyVocab.tokenizer(new GgufWriter().put("general.architecture", "llama")).put("tokenizer.ggml.tokens", tokens).write(otherVocab);
		Path otherModel = dir.resolve("other-vocab-model.gguf");
		try (GgufFile vocab = GgufFile.open(otherVocab)) {
			SyntheticModel.write(otherModel, "tiny", GgmlType.F32, vocab, 1);
		}
		Run foreign = cli("--model", m, "--base", otherModel.toString(), "--file", t, "--ctx", "16");
		assertEquals(1, foreign.code());
		assertTrue(foreign.err().startsWith("atelier llm perplexity: " + m + " and " + otherModel + " do not share a vocabulary (token "),
				foreign.err());
	}

	@Test
	void aCancelledMeasureStopsBeforeTheEnd(@TempDir Path dir) throws Exception {
		Path model = new TinyLlama(false, 11).writeGguf(dir.resolve("tiny.gguf"));
		try (EmbeddedModel embedded = EmbeddedModel.open(model, Engines.cpu(1), CTX)) {
			int[] tokens = embedded.prompt(Files.readString(text(dir, 150))).stream().mapToInt(Integer::intValue).toArray();
			int[] chunksSeen = { 0 };
			Perplexity.Listener listener = new Perplexity.Listener() {
				@Override
				public void evaluated(long done, long total) {
				}

				@Override
				public void chunk(int chunk, int chunks, double ppl) {
					chunksSeen[0] = chunk;
				}
			};
			assertThrows(CancellationException.class,
					() -> Perplexity.measure(embedded.llama(), null, tokens, OptionalInt.of(1), CTX, 0, listener, () -> chunksSeen[0] >= 2));
			assertEquals(2, chunksSeen[0], "stopped in the third chunk");
		}
	}
}
