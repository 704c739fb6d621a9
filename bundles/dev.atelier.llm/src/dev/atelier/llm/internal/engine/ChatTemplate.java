package dev.atelier.llm.internal.engine;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.atelier.llm.ChatMessage;

/**
 * The prompt formats of the common chat models, recognised from a GGUF's {@code tokenizer.chat_template} by their
 * marker tokens (the template is Jinja; these are what llama.cpp's built-in list renders for them), or chosen by
 * name. Each renders a conversation and opens the assistant's turn.
 */
public enum ChatTemplate {
	LLAMA2("llama-2"), LLAMA3("llama-3"), CHATML("chatml"), PHI3("phi-3"), GEMMA("gemma");

	private final String id;

	ChatTemplate(String id) {
		this.id = id;
	}

	public String id() {
		return id;
	}

	public static Optional<ChatTemplate> named(String name) {
		for (ChatTemplate t : values()) {
			if (t.id.equals(name.toLowerCase(Locale.ROOT))) {
				return Optional.of(t);
			}
		}
		return Optional.empty();
	}

	/** The known format a Jinja template renders, by its markers; empty for one not recognised. */
	public static Optional<ChatTemplate> recognise(String jinja) {
		if (jinja == null) {
			return Optional.empty();
		}
		if (jinja.contains("<|start_header_id|>")) {
			return Optional.of(LLAMA3);
		}
		if (jinja.contains("<|im_start|>")) {
			return Optional.of(CHATML);
		}
		if (jinja.contains("<|user|>") && jinja.contains("<|end|>")) {
			return Optional.of(PHI3);
		}
		if (jinja.contains("<start_of_turn>")) {
			return Optional.of(GEMMA);
		}
		if (jinja.contains("[INST]")) {
			return Optional.of(LLAMA2);
		}
		return Optional.empty();
	}

	/** The conversation as the model was trained to see it, ending where the assistant's answer starts; bos is the BOS text. */
	public String render(List<ChatMessage> messages, String bos) {
		StringBuilder out = new StringBuilder();
		switch (this) {
		case LLAMA3 -> {
			out.append(bos);
			for (ChatMessage m : messages) {
				out.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n").append(m.content().strip()).append("<|eot_id|>");
			}
			out.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
		}
		case CHATML -> {
			for (ChatMessage m : messages) {
				out.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
			}
			out.append("<|im_start|>assistant\n");
		}
		case PHI3 -> {
			for (ChatMessage m : messages) {
				out.append("<|").append(m.role()).append("|>\n").append(m.content()).append("<|end|>\n");
			}
			out.append("<|assistant|>\n");
		}
		case GEMMA -> {
			out.append(bos);
			String system = "";
			for (ChatMessage m : messages) {
				if (m.role().equals("system")) {
					system = m.content() + "\n\n"; // Gemma has no system turn: it goes before the first user turn
					continue;
				}
				String role = m.role().equals("assistant") ? "model" : "user";
				out.append("<start_of_turn>").append(role).append('\n').append(role.equals("user") ? system : "").append(m.content().strip())
						.append("<end_of_turn>\n");
				if (role.equals("user")) {
					system = "";
				}
			}
			out.append("<start_of_turn>model\n");
		}
		case LLAMA2 -> {
			String system = null;
			for (ChatMessage m : messages) {
				switch (m.role()) {
				case "system" -> system = m.content();
				case "user" -> {
					out.append(bos).append("[INST] ");
					if (system != null) {
						out.append("<<SYS>>\n").append(system).append("\n<</SYS>>\n\n");
						system = null;
					}
					out.append(m.content().strip()).append(" [/INST]");
				}
				default -> out.append(' ').append(m.content().strip()).append(" </s>");
				}
			}
		}
		}
		return out.toString();
	}

	/** Extra stop strings that end a turn in this format, beside the model's EOS. */
	public List<String> stopTokens() {
		return switch (this) {
		case LLAMA3 -> List.of("<|eot_id|>");
		case CHATML -> List.of("<|im_end|>");
		case PHI3 -> List.of("<|end|>");
		case GEMMA -> List.of("<end_of_turn>");
		case LLAMA2 -> List.of();
		};
	}
}
