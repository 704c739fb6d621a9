package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.engine.Generator;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.engine.LlamaWeights;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/**
 * Synthetic tiny Llama GGUFs in each tensor type: their logits (1) agree with an F32 computation on the same,
 * dequantised weights — F16 and BF16 to float rounding (and the F16 cache's rounding of it); the quantised types, a
 * prompt batch and a decoded token alike, within the rounding of their 8-bit activations, which matmuls against
 * quantised weights multiply in integers (as llama.cpp's do; a batch too where the native kernels run) — and (2) stay
 * within each format's stated error of the F32 model they were quantised from.
 */
class QuantizedLogitsTest {

	/** Relative RMS error allowed against the unquantised F32 model, per format. */
	private static final double[][] TOLERANCE = { { GgmlType.F16.ordinal(), 0.002 }, { GgmlType.BF16.ordinal(), 0.02 },
			{ GgmlType.Q8_0.ordinal(), 0.02 }, { GgmlType.Q4_0.ordinal(), 0.15 } };

	/**
	 * The same for the K-quants on the tiny256 shape (rows of whole 256-value super-blocks), encoded by our simple
	 * min/max quantiser. Measured: Q4_K 0.200, Q5_K 0.107, Q6_K 0.051 (Q4_0 0.192 and Q8_0 0.013 on this shape).
	 */
	private static final double[][] K_TOLERANCE = { { GgmlType.Q4_K.ordinal(), 0.25 }, { GgmlType.Q5_K.ordinal(), 0.14 },
			{ GgmlType.Q6_K.ordinal(), 0.07 } };

	/**
	 * Relative RMS allowed between decoding against quantised weights and F32 on the same weights: the activations'
	 * 8-bit rounding (half a step of 1/127 of each block's largest value) in every matmul of every layer. Measured on
	 * these models: 5.8e-3 to 1.4e-2.
	 */
	private static final double EIGHT_BIT_ACTIVATIONS = 0.03;

	/** The logits after each token, as a prompt batch computes them. */
	private static List<float[]> prefill(Llama llama, int[] tokens) {
		List<float[]> out = new ArrayList<>();
		llama.forward(tokens, 0, 0, (i, logits) -> out.add(logits.clone()));
		return out;
	}

	private static List<float[]> logits(Llama llama, int[] tokens) {
		List<float[]> out = new ArrayList<>();
		for (int pos = 0; pos < tokens.length; pos++) {
			out.add(llama.forward(tokens[pos], pos).clone());
		}
		return out;
	}

	private static LlamaWeights dequantised(LlamaWeights w) {
		List<LlamaWeights.Layer> layers = w.layers().stream().map(l -> new LlamaWeights.Layer(l.attentionNorm(), Engines.dequantised(l.wq()),
				Engines.dequantised(l.wk()), Engines.dequantised(l.wv()), Engines.dequantised(l.wo()), l.ffnNorm(), Engines.dequantised(l.gate()), Engines.dequantised(l.down()),
				Engines.dequantised(l.up()))).toList();
		return new LlamaWeights(Engines.dequantised(w.tokenEmbedding()), layers, w.finalNorm(), Engines.dequantised(w.output()));
	}

	private static double relativeRms(List<float[]> got, List<float[]> want) {
		double err = 0;
		double ref = 0;
		for (int t = 0; t < got.size(); t++) {
			for (int i = 0; i < got.get(t).length; i++) {
				double d = got.get(t)[i] - want.get(t)[i];
				err += d * d;
				ref += (double) want.get(t)[i] * want.get(t)[i];
			}
		}
		return Math.sqrt(err / ref);
	}

	@Test
	void aBatchedPromptGivesTheLogitsOfTokenByToken(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tiny-q4.gguf");
		int vocabSize;
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny", GgmlType.Q4_0, vocab, 9);
			vocabSize = vocab.strings("tokenizer.ggml.tokens").orElseThrow().size();
		}
		int[] prompt = new java.util.Random(5).ints(45, 0, vocabSize).toArray(); // two batches: 32 and 13 tokens
		try (GgufFile gguf = GgufFile.open(file)) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			float[] batched = Engines.llama(m.config(), m.weights(), 2).forward(prompt, 0).clone();
			Llama single = Engines.llama(m.config(), m.weights(), 1);
			float[] sequential = null;
			for (int pos = 0; pos < prompt.length; pos++) {
				sequential = single.forward(prompt[pos], pos);
			}
			double err = relativeRms(List.of(batched), List.of(sequential.clone()));
			// token by token multiplies 8-bit activations, the batch float ones
			assertTrue(err < EIGHT_BIT_ACTIVATIONS, "batched prefill differs from token by token by " + err);
		}
	}

	@Test
	void everyTensorTypeMatchesF32OnItsOwnWeightsAndStaysNearTheOriginal(@TempDir Path dir) throws Exception {
		compareWithF32(dir, "tiny", TOLERANCE);
	}

	@Test
	void everyKQuantMatchesF32OnItsOwnWeightsAndStaysNearTheOriginal(@TempDir Path dir) throws Exception {
		compareWithF32(dir, "tiny256", K_TOLERANCE);
	}

	@Test
	void aKQuantModelGeneratesTheGreedyTokensOfItsDequantisedWeights(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tiny-q4k.gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny256", GgmlType.Q4_K, vocab, 4);
		}
		try (GgufFile gguf = GgufFile.open(file)) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			List<Integer> prompt = List.of(1, 20, 30, 40);
			List<List<Integer>> outputs = new ArrayList<>();
			for (Llama llama : List.of(Engines.llama(m.config(), m.weights(), 2), Engines.llama(m.config(), dequantised(m.weights()), 1))) {
				List<Integer> tokens = new ArrayList<>();
				Usage usage = Generator.generate(llama, prompt, 12, Sampling.greedy(), Set.of(), tokens::add, () -> false);
				assertEquals(12, usage.generatedTokens());
				outputs.add(tokens);
			}
			assertEquals(outputs.get(1), outputs.get(0), "Q4_K kernels against F32 on the same weights");
		}
	}

	private static void compareWithF32(Path dir, String shape, double[][] tolerances) throws Exception {
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			// BOS, then the prompt, as a chat model sees it
			int[] tokens = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(1),
					Tokenizers.of(vocab).encode("Hello, how are you?").stream().mapToInt(Integer::intValue)).toArray();
			Path f32File = dir.resolve("tiny-f32.gguf");
			SyntheticModel.write(f32File, shape, GgmlType.F32, vocab, 42);
			List<float[]> original;
			try (GgufFile f32 = GgufFile.open(f32File)) {
				GgufLlama.Model m = GgufLlama.load(f32);
				original = logits(Engines.llama(m.config(), m.weights(), 1), tokens);
			}
			StringBuilder report = new StringBuilder();
			for (double[] t : tolerances) {
				GgmlType type = GgmlType.values()[(int) t[0]];
				Path file = dir.resolve("tiny-" + type + ".gguf");
				SyntheticModel.write(file, shape, type, vocab, 42);
				try (GgufFile gguf = GgufFile.open(file)) {
					GgufLlama.Model m = GgufLlama.load(gguf);
					Llama quantised = Engines.llama(m.config(), m.weights(), 2);
					List<float[]> batch = prefill(quantised, tokens);
					List<float[]> ours = logits(quantised, tokens);
					List<float[]> exact = logits(Engines.llama(m.config(), dequantised(m.weights()), 1), tokens);
					double kernel = relativeRms(batch, exact);
					double decode = relativeRms(ours, exact);
					double format = relativeRms(ours, original);
					report.append(String.format(Locale.ROOT, "%s: batch kernel %.2e, decode %.2e, format %.2e%n", type, kernel, decode, format));
					// float rounding, amplified where the F16 cache rounds a key or value the other way; 8-bit activations
					double allowed = type == GgmlType.F16 || type == GgmlType.BF16 ? 1e-4 : EIGHT_BIT_ACTIVATIONS;
					assertTrue(kernel < allowed, type + ": the batch kernels differ from F32 on the same weights by " + kernel + ", more than " + allowed);
					assertTrue(decode < allowed, type + ": decoding differs from F32 on the same weights by " + decode + ", more than " + allowed);
					assertTrue(format < t[1], type + ": " + format + " from the unquantised model, more than " + t[1]);
				}
			}
			System.out.print(report);
		}
	}
}
