package dev.atelier.llm.internal.engine;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import dev.atelier.llm.ChatMessage;

/**
 * How a conversation becomes prompt text, chosen as llama.cpp's {@code --jinja} chooses: the model's own Jinja
 * template, with the known format it resembles (or ChatML) behind it for when it fails; a known format by name; or,
 * for a model without a template, ChatML, the default llama.cpp uses too.
 *
 * @param jinja the model's template, where it runs
 * @param fallback the known format used without a template or when it fails; its stop tokens end a turn
 * @param description what was chosen and why, for the user
 */
public record ChatFormat(Optional<JinjaTemplate> jinja, ChatTemplate fallback, String description) {

	/** The format for a model without a chat template. */
	public static final ChatTemplate DEFAULT = ChatTemplate.CHATML;

	/**
	 * Jinja templates run on Jinjava, whose expression resolvers are built on java.beans: the headless product ships
	 * neither (Jinjava and what it loads are 8.5 MB of its 60 MiB).
	 */
	private static final boolean JINJA = ModuleLayer.boot().findModule("java.desktop").isPresent() && jinjava();

	private static boolean jinjava() {
		try {
			Class.forName("com.hubspot.jinjava.Jinjava", false, ChatFormat.class.getClassLoader());
			return true;
		} catch (ClassNotFoundException | LinkageError absent) {
			return false;
		}
	}

	/** A known format, chosen by name. */
	public static ChatFormat known(ChatTemplate template) {
		return new ChatFormat(Optional.empty(), template, template.id() + " (chosen)");
	}

	/** The format a model's {@code tokenizer.chat_template} (possibly absent) gives; {@code model} names it in errors. */
	public static ChatFormat of(Optional<String> template, String model) {
		if (template.isEmpty() || template.get().isBlank()) {
			return new ChatFormat(Optional.empty(), DEFAULT, DEFAULT.id() + " (the default: the model has no chat template)");
		}
		ChatTemplate like = ChatTemplate.recognise(template.get()).orElse(DEFAULT);
		if (!JINJA) {
			return new ChatFormat(Optional.empty(), like, like.id() + ", the known format the model's template resembles (Jinja templates need Jinjava and"
					+ " java.beans, which this product leaves out)");
		}
		return new ChatFormat(Optional.of(new JinjaTemplate(template.get(), model)), like,
				"the model's Jinja chat template (" + like.id() + " if it fails)");
	}

	/**
	 * The prompt text of a conversation, opening the assistant's turn. {@code bos}/{@code eos} are the vocabulary's
	 * texts; where the tokenizer adds BOS itself ({@code addsBos}) a BOS the template wrote is dropped, as llama.cpp
	 * does, so it is not doubled. A template that fails is reported to {@code warnings} and the fallback used.
	 */
	public String render(List<ChatMessage> messages, String bos, String eos, boolean addsBos, Consumer<String> warnings) {
		if (jinja.isPresent()) {
			try {
				String text = jinja.get().render(messages, true, bos, eos);
				return addsBos && !bos.isEmpty() && text.startsWith(bos) ? text.substring(bos.length()) : text;
			} catch (JinjaTemplate.TemplateException e) {
				warnings.accept(e.getMessage() + "; using the " + fallback.id() + " format instead");
			}
		}
		return fallback.render(messages, "");
	}
}
