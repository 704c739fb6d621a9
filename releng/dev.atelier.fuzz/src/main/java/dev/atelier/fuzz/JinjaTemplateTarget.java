package dev.atelier.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.internal.engine.ChatFormat;

/**
 * A GGUF's {@code tokenizer.chat_template} (the input, as GGUF strings are read: UTF-8) on the LLM's Jinja path, as
 * the embedded chat uses it: {@code ChatFormat.of} and {@code render} of a conversation. The contract: the prompt is
 * rendered, or the template's failure is reported as a warning naming the model and the known format used instead;
 * nothing is thrown, and the sandbox's bounds end a template that would run on (run.sh's per-input limit catches one
 * that does not).
 */
public final class JinjaTemplateTarget {

	static final String MODEL = "model.gguf";
	private static final List<ChatMessage> CONVERSATION = List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi <s> {{ x }}"),
			new ChatMessage("assistant", "Hello!"), new ChatMessage("user", "ünï\n\tcode"));

	private JinjaTemplateTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(JinjaTemplateTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) {
		ChatFormat format = ChatFormat.of(Optional.of(new String(data, StandardCharsets.UTF_8)), MODEL);
		Contract.refusesOnlyWith(List.of(), () -> format.render(CONVERSATION, "<s>", "</s>", true, warning -> {
			Contract.outcome("warned: " + warning);
			if (!warning.contains(MODEL)) {
				throw new Contract.Finding("the warning does not name the model " + MODEL + ": " + warning, null);
			}
		}), message -> true, "");
	}
}
