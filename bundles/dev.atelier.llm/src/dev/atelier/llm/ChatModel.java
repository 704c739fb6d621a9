package dev.atelier.llm;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Something that answers a conversation, streaming its answer: the embedded engine or a server. */
public interface ChatModel extends AutoCloseable {

	/** What the user sees in the model picker. */
	String name();

	/**
	 * Answers the conversation, handing text to {@code tokens} as it arrives, until done, {@code maxTokens}, or
	 * {@code cancelled}; returns what the answer cost.
	 */
	Usage chat(List<ChatMessage> messages, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled) throws ChatException;

	/** Releases what the model holds (an embedded model's mapping and threads); nothing for a server. */
	@Override
	default void close() {
	}
}
