package dev.atelier.llm.internal.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufWriter;
import dev.atelier.llm.internal.gguf.Quantize;

/**
 * Writes a Llama GGUF of a real model's shape with random weights (normal, σ 0.02; norms 1) and the tokenizer of a
 * vocabulary GGUF: the same work per token as the real model, for benchmarks and tests.
 */
public final class SyntheticModel {

	/**
	 * Shapes: Llama 3.2 1B and 3B, Llama 2 7B, tiny ones for tests (tiny256's rows are whole K-quant super-blocks; tiny8,
	 * tiny with 8 layers, to split across devices), and tiny4k, tiny with the Assistant's 4096-token context, for the
	 * model a new user tries.
	 */
	public static final Map<String, LlamaConfig> SHAPES = Map.of(
			"1b", new LlamaConfig(2048, 8192, 16, 32, 8, 1, 4096, 1e-5f, 500_000f),
			"3b", new LlamaConfig(3072, 8192, 28, 24, 8, 1, 4096, 1e-5f, 500_000f),
			"7b", new LlamaConfig(4096, 11008, 32, 32, 32, 1, 4096, 1e-5f, 10_000f),
			"tiny", new LlamaConfig(64, 160, 2, 4, 2, 1, 256, 1e-5f, 10_000f),
			"tiny256", new LlamaConfig(256, 512, 2, 4, 2, 1, 256, 1e-5f, 10_000f),
			"tiny8", new LlamaConfig(64, 160, 8, 4, 2, 1, 256, 1e-5f, 10_000f),
			"tiny4k", new LlamaConfig(64, 160, 2, 4, 2, 1, 4096, 1e-5f, 10_000f));

	private static final List<String> TOKENIZER_KEYS = List.of("tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens",
			"tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.merges", "tokenizer.ggml.bos_token_id",
			"tokenizer.ggml.eos_token_id", "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.add_space_prefix", "tokenizer.ggml.add_bos_token",
			"tokenizer.chat_template");

	private SyntheticModel() {
	}

	public static void write(Path out, String shape, GgmlType type, GgufFile vocabulary, long seed) throws IOException {
		vocabulary.strings("tokenizer.ggml.tokens")
				.orElseThrow(() -> new ModelFormatException(vocabulary.file(), "metadata tokenizer.ggml.tokens is missing: not a vocabulary"));
		Map<String, Object> tokenizer = new java.util.LinkedHashMap<>();
		for (String key : TOKENIZER_KEYS) {
			Object v = vocabulary.metadata().get(key);
			if (v != null) {
				tokenizer.put(key, v);
			}
		}
		write(out, shape, type, tokenizer, seed);
	}

	/**
	 * As {@link #write(Path, String, GgmlType, GgufFile, long)} with the tokenizer's metadata given
	 * ({@code tokenizer.ggml.*} keys, the tokens a List of String).
	 */
	public static void write(Path out, String shape, GgmlType type, Map<String, Object> tokenizer, long seed) throws IOException {
		LlamaConfig s = SHAPES.get(shape);
		if (s == null) {
			throw new IllegalArgumentException("unknown shape '" + shape + "'; known: " + String.join(", ", new java.util.TreeSet<>(SHAPES.keySet())));
		}
		int vocab = ((List<?>) tokenizer.get("tokenizer.ggml.tokens")).size();
		GgufWriter w = new GgufWriter().put("general.architecture", "llama").put("general.name", "atelier synthetic " + shape + " " + type)
				.put("llama.embedding_length", s.dim()).put("llama.feed_forward_length", s.hiddenDim()).put("llama.block_count", s.layers())
				.put("llama.attention.head_count", s.heads()).put("llama.attention.head_count_kv", s.kvHeads())
				.put("llama.context_length", s.contextLength()).put("llama.attention.layer_norm_rms_epsilon", s.normEps())
				.put("llama.rope.freq_base", s.ropeTheta()).put("llama.vocab_size", vocab)
				.put("llama.rope.dimension_count", s.headSize());
		for (String key : TOKENIZER_KEYS) {
			Object v = tokenizer.get(key);
			if (v instanceof Long l && l <= Integer.MAX_VALUE) {
				w.put(key, l.intValue());
			} else if (v != null) {
				w.put(key, v);
			}
		}
		SplittableRandom random = new SplittableRandom(seed);
		GgmlType embeddingType = type == GgmlType.Q4_0 ? GgmlType.Q8_0 : type; // as llama.cpp's Q4_0 keeps embeddings finer
		matrix(w, "token_embd.weight", embeddingType, s.dim(), vocab, random);
		w.tensor("output_norm.weight", GgmlType.F32, new long[] { s.dim() }, Quantize.encode(GgmlType.F32, ones(s.dim())));
		matrix(w, "output.weight", type, s.dim(), vocab, random);
		for (int l = 0; l < s.layers(); l++) {
			String p = "blk." + l + ".";
			w.tensor(p + "attn_norm.weight", GgmlType.F32, new long[] { s.dim() }, Quantize.encode(GgmlType.F32, ones(s.dim())));
			matrix(w, p + "attn_q.weight", type, s.dim(), s.dim(), random);
			matrix(w, p + "attn_k.weight", type, s.dim(), s.kvDim(), random);
			matrix(w, p + "attn_v.weight", type, s.dim(), s.kvDim(), random);
			matrix(w, p + "attn_output.weight", type, s.dim(), s.dim(), random);
			w.tensor(p + "ffn_norm.weight", GgmlType.F32, new long[] { s.dim() }, Quantize.encode(GgmlType.F32, ones(s.dim())));
			matrix(w, p + "ffn_gate.weight", type, s.dim(), s.hiddenDim(), random);
			matrix(w, p + "ffn_down.weight", type, s.hiddenDim(), s.dim(), random);
			matrix(w, p + "ffn_up.weight", type, s.dim(), s.hiddenDim(), random);
		}
		w.write(out);
	}

	/**
	 * A SentencePiece ({@code llama}) vocabulary of bytes alone: unknown, BOS, EOS and the 256 byte tokens, so that any
	 * text tokenizes (byte by byte) without a vocabulary file; for the tiny model a new user tries.
	 */
	public static Map<String, Object> byteVocabulary() {
		List<String> tokens = new java.util.ArrayList<>(List.of("<unk>", "<s>", "</s>"));
		for (int b = 0; b < 256; b++) {
			tokens.add(String.format(java.util.Locale.ROOT, "<0x%02X>", b));
		}
		int[] types = new int[tokens.size()];
		// SentencePiece's token types: 2 unknown, 3 control, 6 byte
		java.util.Arrays.fill(types, 6);
		types[0] = 2;
		types[1] = 3;
		types[2] = 3;
		Map<String, Object> vocabulary = new java.util.LinkedHashMap<>();
		vocabulary.put("tokenizer.ggml.model", "llama");
		vocabulary.put("tokenizer.ggml.tokens", tokens);
		vocabulary.put("tokenizer.ggml.scores", new float[tokens.size()]);
		vocabulary.put("tokenizer.ggml.token_type", types);
		vocabulary.put("tokenizer.ggml.unknown_token_id", 0);
		vocabulary.put("tokenizer.ggml.bos_token_id", 1);
		vocabulary.put("tokenizer.ggml.eos_token_id", 2);
		vocabulary.put("tokenizer.ggml.add_bos_token", true);
		return vocabulary;
	}

	/** Random rows, drawn as the file is written, from a generator seeded per tensor. */
	private static void matrix(GgufWriter w, String name, GgmlType type, int cols, int rows, SplittableRandom random) {
		Random r = new Random(random.nextLong());
		w.tensor(name, type, cols, rows, () -> {
			float[] row = new float[cols];
			for (int i = 0; i < cols; i++) {
				row[i] = (float) (r.nextGaussian() * 0.02);
			}
			return row;
		});
	}

	private static float[] ones(int n) {
		float[] out = new float[n];
		java.util.Arrays.fill(out, 1f);
		return out;
	}
}
