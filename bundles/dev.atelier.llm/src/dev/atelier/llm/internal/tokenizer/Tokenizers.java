package dev.atelier.llm.internal.tokenizer;

import java.util.List;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.gguf.GgufFile;

/** The tokenizer a GGUF file's {@code tokenizer.ggml.*} metadata describes. */
public final class Tokenizers {

	private static final System.Logger LOG = System.getLogger(Tokenizers.class.getName());

	private Tokenizers() {
	}

	public static Tokenizer of(GgufFile gguf) {
		String model = gguf.string("tokenizer.ggml.model").orElseThrow(() -> new ModelFormatException(gguf.file(),
				"metadata tokenizer.ggml.model is missing: the file has no tokenizer"));
		List<byte[]> tokens = gguf.stringBytes("tokenizer.ggml.tokens")
				.orElseThrow(() -> new ModelFormatException(gguf.file(), "metadata tokenizer.ggml.tokens is missing"));
		float[] scores = gguf.typed("tokenizer.ggml.scores", float[].class).orElse(null);
		int[] types = gguf.typed("tokenizer.ggml.token_type", int[].class).orElse(null);
		if (scores != null && scores.length != tokens.size() || types != null && types.length != tokens.size()) {
			throw new ModelFormatException(gguf.file(), "tokenizer.ggml.scores or token_type does not have one entry per token (" + tokens.size() + ")");
		}
		Vocabulary vocabulary = new Vocabulary(tokens, scores, types);
		return new SpecialTokens(base(gguf, model, vocabulary), vocabulary);
	}

	private static Tokenizer base(GgufFile gguf, String model, Vocabulary vocabulary) {
		return switch (model) {
		case "llama" -> new SpmTokenizer(vocabulary, gguf.typed("tokenizer.ggml.add_space_prefix", Boolean.class).orElse(true),
				unknownId(gguf, vocabulary, 0));
		case "gpt2" -> {
			String name = gguf.string("tokenizer.ggml.pre").orElse("default");
			PreTokenizer pre = PreTokenizer.named(name);
			if (pre == null) {
				LOG.log(System.Logger.Level.WARNING, gguf.file() + ": pre-tokenizer '" + name + "' is not known here; using llama.cpp's default");
				pre = PreTokenizer.named("default");
			}
			List<byte[]> merges = gguf.stringBytes("tokenizer.ggml.merges")
					.orElseThrow(() -> new ModelFormatException(gguf.file(), "metadata tokenizer.ggml.merges is missing (a gpt2 tokenizer needs it)"));
			yield new BpeTokenizer(vocabulary, merges, pre, PreTokenizer.ignoresMerges(name));
		}
		case "bert" -> new WordPieceTokenizer(vocabulary, unknownId(gguf, vocabulary, 100));
		default -> throw new ModelFormatException(gguf.file(), "tokenizer.ggml.model '" + model + "' is not supported (llama, gpt2 and bert are)");
		};
	}

	/** The id text without a token becomes: one of the vocabulary's, or decoding it would fail long after loading. */
	private static int unknownId(GgufFile gguf, Vocabulary vocabulary, long otherwise) {
		long id = gguf.integer("tokenizer.ggml.unknown_token_id").orElse(otherwise);
		if (id < 0 || id >= vocabulary.size()) {
			throw new ModelFormatException(gguf.file(), "tokenizer.ggml.unknown_token_id " + id + " is not a token of the " + vocabulary.size()
					+ "-token vocabulary" + (gguf.integer("tokenizer.ggml.unknown_token_id").isEmpty() ? " (the default where the file sets none)" : ""));
		}
		return (int) id;
	}
}
