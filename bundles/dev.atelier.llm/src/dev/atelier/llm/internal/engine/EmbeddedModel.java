package dev.atelier.llm.internal.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.llama2c.Llama2cCheckpoint;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/**
 * A model file opened for the embedded engine, GGUF or llama2.c (told apart by the GGUF magic): the forward pass,
 * the tokenizer where the file has one, and the special tokens that start and end a text.
 */
public final class EmbeddedModel implements AutoCloseable {

	private final Llama llama;
	private Optional<Tokenizer> tokenizer;
	private final Optional<Integer> bos;
	private final Set<Integer> stops;
	private final Optional<String> chatTemplate;
	private final String bosText;
	private final String eosText;
	private final AutoCloseable file;
	private final DecodeBatch batch;

	private EmbeddedModel(Llama llama, Optional<Tokenizer> tokenizer, Optional<Integer> bos, Set<Integer> stops, Optional<String> chatTemplate,
			String bosText, String eosText, AutoCloseable file) {
		this.bosText = bosText;
		this.eosText = eosText;
		this.llama = llama;
		this.tokenizer = tokenizer;
		this.bos = bos;
		this.stops = stops;
		this.chatTemplate = chatTemplate;
		this.file = file;
		this.batch = new DecodeBatch(llama);
	}

	/**
	 * Opens a model where {@code placement} puts it; {@code maxContext} bounds the key/value cache (models may declare
	 * 128k positions).
	 */
	public static EmbeddedModel open(Path path, Placement placement, int maxContext) throws IOException {
		return open(path, placement, maxContext, 1);
	}

	/** As {@link #open(Path, Placement, int)}, with a cache slot for each of {@code sequences} answers decoded together. */
	public static EmbeddedModel open(Path path, Placement placement, int maxContext, int sequences) throws IOException {
		String client = "llm " + path.getFileName();
		if (isGguf(path)) {
			GgufFile gguf = GgufFile.open(path);
			try {
				return of(gguf, GgufLlama.load(gguf), client, placement, maxContext, sequences);
			} catch (RuntimeException e) {
				gguf.close();
				throw e;
			}
		}
		Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(path);
		try {
			return new EmbeddedModel(placement.open(client, checkpoint.config(), checkpoint.weights(), maxContext, sequences), Optional.empty(),
					Optional.of(1), Set.of(), Optional.empty(), "", "", checkpoint::close);
		} catch (RuntimeException e) {
			checkpoint.close();
			throw e;
		}
	}

	/** Whether {@code path} starts as a GGUF file does; anything else is taken for a llama2.c checkpoint. */
	public static boolean isGguf(Path path) throws IOException {
		byte[] magic = new byte[4];
		AtomicFiles.requireRegular(path); // a FIFO would block the reader forever
		try (InputStream in = Files.newInputStream(path)) {
			in.readNBytes(magic, 0, 4);
		}
		return new String(magic, java.nio.charset.StandardCharsets.ISO_8859_1).equals("GGUF");
	}

	/**
	 * The engine on a model read from an open GGUF file, where {@code placement} puts it under leases named
	 * {@code client}; the model then owns the file (closing the model closes it; where this throws, the caller still
	 * does). Its tokenizer and special tokens come from the file's metadata.
	 */
	public static EmbeddedModel of(GgufFile gguf, GgufLlama.Model model, String client, Placement placement, int maxContext) {
		return of(gguf, model, client, placement, maxContext, 1);
	}

	/** As {@link #of(GgufFile, GgufLlama.Model, String, Placement, int)}, with a cache slot for each of {@code sequences}. */
	public static EmbeddedModel of(GgufFile gguf, GgufLlama.Model model, String client, Placement placement, int maxContext, int sequences) {
		Optional<Tokenizer> tokenizer = gguf.metadata().containsKey("tokenizer.ggml.model") ? Optional.of(Tokenizers.of(gguf)) : Optional.empty();
		boolean addBos = gguf.typed("tokenizer.ggml.add_bos_token", Boolean.class).orElse(true);
		Optional<Integer> bos = addBos ? gguf.integer("tokenizer.ggml.bos_token_id").map(Long::intValue) : Optional.empty();
		Set<Integer> stops = gguf.integer("tokenizer.ggml.eos_token_id").map(id -> Set.of(id.intValue())).orElse(Set.of());
		List<String> texts = gguf.strings("tokenizer.ggml.tokens").orElse(List.of());
		return new EmbeddedModel(placement.open(client, model.config(), model.weights(), maxContext, sequences), tokenizer, bos, stops,
				gguf.string("tokenizer.chat_template"), tokenText(gguf, texts, "tokenizer.ggml.bos_token_id"),
				tokenText(gguf, texts, "tokenizer.ggml.eos_token_id"), gguf);
	}

	/** A special token's text from the vocabulary (bos_token/eos_token of a chat template); empty where it has none. */
	private static String tokenText(GgufFile gguf, List<String> texts, String key) {
		return gguf.integer(key).filter(id -> id >= 0 && id < texts.size()).map(id -> texts.get(id.intValue())).orElse("");
	}

	public Llama llama() {
		return llama;
	}

	/** Where concurrent answers of this model are decoded together. */
	public DecodeBatch batch() {
		return batch;
	}

	public Optional<Tokenizer> tokenizer() {
		return tokenizer;
	}

	/** Uses a tokenizer from elsewhere (llama2.c's tokenizer.bin for a checkpoint, which carries none). */
	public void useTokenizer(Tokenizer external) {
		if (external.vocabularySize() != llama.config().vocab()) {
			throw new IllegalArgumentException("the tokenizer has " + external.vocabularySize() + " tokens; the model's vocabulary has "
					+ llama.config().vocab());
		}
		tokenizer = Optional.of(external);
	}

	/** The prompt's ids for a text: BOS (where the model wants one) and the text's tokens. */
	public List<Integer> prompt(String text) {
		Tokenizer t = tokenizer.orElseThrow(() -> new IllegalStateException("the model has no tokenizer"));
		List<Integer> ids = new java.util.ArrayList<>();
		bos.ifPresent(ids::add);
		ids.addAll(t.encode(text));
		return ids;
	}

	/** BOS, where the model wants its prompts to start with one. */
	public Optional<Integer> bos() {
		return bos;
	}

	/** The Jinja chat template the file carries. */
	public Optional<String> chatTemplate() {
		return chatTemplate;
	}

	/** The vocabulary's BOS token text (e.g. {@code <s>}), as chat templates see it; empty where there is none. */
	public String bosText() {
		return bosText;
	}

	/** The vocabulary's EOS token text, as chat templates see it. */
	public String eosText() {
		return eosText;
	}

	/** Tokens that end an answer (EOS). */
	public Set<Integer> stops() {
		return stops;
	}

	@Override
	public void close() {
		llama.close();
		try {
			file.close();
		} catch (Exception e) {
			throw new IllegalStateException("cannot close the model file: " + e.getMessage(), e);
		}
	}
}
