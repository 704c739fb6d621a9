package dev.atelier.llm.internal.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import dev.atelier.llm.ChatException;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.ChatModel;
import dev.atelier.llm.ChatModels;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.tokenizer.Llama2cTokenizer;
import dev.atelier.llm.internal.tokenizer.TextStream;
import dev.atelier.llm.internal.tokenizer.Tokenizer;

/**
 * The embedded engine as a chat model: the conversation rendered in the model's chat format, its special tokens
 * parsed, the answer streamed as text.
 *
 * <p>Answers asked for at the same time (from several threads) are decoded together ({@link DecodeBatch}), as many
 * as the model has cache slots for.
 *
 * <p>Truncation policy, for a conversation longer than the context: the system message stays, the oldest other
 * turns are dropped until the prompt and the answer's token budget fit; if the last message alone does not fit,
 * the chat is refused with its size and the context's.
 */
public final class EmbeddedChat implements ChatModel {

	private final EmbeddedModel model;
	private final ChatFormat format;
	private final String name;
	private final Consumer<String> warnings;
	private final Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

	/**
	 * A chat on a model read from {@code file}: {@code template} null runs the model's own Jinja template (or the known
	 * format it resembles, or ChatML), a name forces that known format. {@code notes} hears which format was chosen
	 * and where the model runs, and later why a template failed. {@code tokenizer}, when not null, is llama2.c's
	 * tokenizer for a checkpoint (which carries none) from wherever it is; null looks beside the checkpoint. Throws
	 * when the model has no tokenizer, the one given does not fit it, or the name is unknown.
	 */
	public static EmbeddedChat of(EmbeddedModel model, Path file, Path tokenizer, String template, Consumer<String> notes) throws ChatException {
		if (tokenizer != null) {
			notes.accept("tokenizer: " + chosenTokenizer(model, file, tokenizer));
		} else if (model.tokenizer().isEmpty()) {
			notes.accept("tokenizer: " + besideTokenizer(model, file));
		}
		String name = file.getFileName().toString();
		ChatFormat format;
		if (template != null) {
			format = ChatFormat.known(ChatTemplate.named(template).orElseThrow(() -> new ChatException(
					file + ": no chat template '" + template + "'; choose one of " + String.join(", ", ChatModels.TEMPLATES))));
		} else {
			format = ChatFormat.of(model.chatTemplate(), name);
		}
		notes.accept("chat format: " + format.description());
		notes.accept("running on " + model.llama().placement());
		return new EmbeddedChat(model, format, name, notes);
	}

	/**
	 * A llama2.c checkpoint carries no tokenizer: llama2.c keeps it beside, as tok{vocabulary}.bin for a custom
	 * vocabulary (tok512.bin) or tokenizer.bin for Llama 2's. The first of those of the model's vocabulary is used;
	 * else the refusal names the files tried and why each did not fit.
	 */
	private static Path besideTokenizer(EmbeddedModel model, Path file) throws ChatException {
		int vocab = model.llama().config().vocab();
		List<String> tried = new ArrayList<>();
		for (String name : List.of("tok" + vocab + ".bin", "tokenizer.bin")) {
			Path candidate = file.resolveSibling(name);
			if (!Files.isRegularFile(candidate)) {
				continue;
			}
			try {
				// the reader takes exactly the model's tokens: another vocabulary's file is refused, named
				model.useTokenizer(Llama2cTokenizer.read(candidate, vocab));
				return candidate;
			} catch (IOException | ModelFormatException e) {
				tried.add(e.getMessage());
			}
		}
		throw new ChatException(file + " has no tokenizer and its vocabulary has " + vocab + " tokens: put llama2.c's tokenizer of that vocabulary"
				+ " beside it as tok" + vocab + ".bin or tokenizer.bin" + (tried.isEmpty() ? "" : "; tried " + String.join(", ", tried)));
	}

	/** A tokenizer chosen for the model: only a llama2.c checkpoint takes one, and only of its vocabulary. */
	private static Path chosenTokenizer(EmbeddedModel model, Path file, Path tokenizer) throws ChatException {
		if (model.tokenizer().isPresent()) {
			throw new ChatException(tokenizer + " is not used: " + file + " carries its own tokenizer (a tokenizer is chosen only for a llama2.c checkpoint)");
		}
		int vocab = model.llama().config().vocab();
		try {
			model.useTokenizer(Llama2cTokenizer.read(tokenizer, vocab));
			return tokenizer;
		} catch (IOException | ModelFormatException e) {
			String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage().replace(tokenizer + ": ", "");
			throw new ChatException(tokenizer + " is not llama2.c's tokenizer of " + file.getFileName() + "'s " + vocab + "-token vocabulary: " + why);
		}
	}

	public EmbeddedChat(EmbeddedModel model, ChatTemplate template, String name) {
		this(model, ChatFormat.known(template), name, w -> {
		});
	}

	/** {@code warnings} hears, once each, why the model's template gave way to the fallback format. */
	public EmbeddedChat(EmbeddedModel model, ChatFormat format, String name, Consumer<String> warnings) {
		this.model = model;
		this.format = format;
		this.name = name;
		this.warnings = warnings;
	}

	/** A GGUF model where {@code placement} puts it, its chat format chosen as {@link #of} says. */
	public static ChatModel open(Path file, String template, Placement placement, int context, Consumer<String> notes) throws IOException, ChatException {
		EmbeddedModel model = EmbeddedModel.open(file, placement, context);
		try {
			return of(model, file, null, template, notes);
		} catch (ChatException | RuntimeException e) {
			model.close();
			throw e;
		}
	}

	public ChatFormat format() {
		return format;
	}

	@Override
	public String name() {
		return name;
	}

	@Override
	public void close() {
		model.close();
	}

	/** The prompt ids of a conversation: BOS where the model wants one, then the rendered turns. */
	List<Integer> promptIds(List<ChatMessage> messages) {
		Tokenizer tokenizer = model.tokenizer().orElseThrow();
		List<Integer> ids = new ArrayList<>();
		model.bos().ifPresent(ids::add);
		ids.addAll(tokenizer.encodeWithSpecials(prompt(messages)));
		return ids;
	}

	/** The prompt text of a conversation, in the model's format. */
	String prompt(List<ChatMessage> messages) {
		return format.render(messages, model.bosText(), model.eosText(), model.bos().isPresent(), w -> {
			if (warned.add(w)) {
				warnings.accept(w);
			}
		});
	}

	/** The messages that fit: the system message and as many of the latest turns as the context allows. */
	List<ChatMessage> fit(List<ChatMessage> messages, int maxTokens) throws ChatException {
		int budget = model.llama().contextLength() - maxTokens;
		List<ChatMessage> kept = new ArrayList<>(messages);
		while (promptIds(kept).size() > budget) {
			int oldest = kept.get(0).role().equals("system") ? 1 : 0;
			if (kept.size() - oldest <= 1) {
				throw new ChatException("the last message takes " + promptIds(kept).size() + " tokens with the answer's " + maxTokens
						+ "; the context holds " + model.llama().contextLength());
			}
			kept.remove(oldest);
		}
		return kept;
	}

	@Override
	public Usage chat(List<ChatMessage> messages, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled)
			throws ChatException {
		Tokenizer tokenizer = model.tokenizer().orElseThrow(() -> new ChatException(name + " has no tokenizer: it cannot chat"));
		Set<Integer> stops = new HashSet<>(model.stops());
		format.fallback().stopTokens().forEach(t -> tokenizer.id(t).ifPresent(stops::add));
		return generate(tokenizer, promptIds(fit(messages, maxTokens)), stops, sampling, maxTokens, tokens, cancelled);
	}

	/**
	 * Continues a text as it is, without the chat format: BOS where the model wants one, the text with its special
	 * tokens parsed; ends at EOS. A prompt that leaves no room for {@code maxTokens} in the context is refused.
	 */
	public Usage complete(String text, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled) throws ChatException {
		Tokenizer tokenizer = model.tokenizer().orElseThrow(() -> new ChatException(name + " has no tokenizer: it cannot complete a text"));
		List<Integer> prompt = new ArrayList<>();
		model.bos().ifPresent(prompt::add);
		prompt.addAll(tokenizer.encodeWithSpecials(text));
		if (prompt.size() + maxTokens > model.llama().contextLength()) {
			throw new ChatException("the prompt takes " + prompt.size() + " tokens with the answer's " + maxTokens + "; the context holds "
					+ model.llama().contextLength());
		}
		return generate(tokenizer, prompt, model.stops(), sampling, maxTokens, tokens, cancelled);
	}

	private Usage generate(Tokenizer tokenizer, List<Integer> prompt, Set<Integer> stops, Sampling sampling, int maxTokens, Consumer<String> tokens,
			BooleanSupplier cancelled) {
		TextStream answer = new TextStream(tokenizer);
		return model.batch().generate(prompt, maxTokens, sampling, stops, token -> {
			String piece = answer.add(token);
			if (!piece.isEmpty()) {
				tokens.accept(piece);
			}
			return true;
		}, cancelled);
	}
}
