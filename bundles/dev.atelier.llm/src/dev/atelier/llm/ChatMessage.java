package dev.atelier.llm;

/** One turn of a conversation: {@code system}, {@code user} or {@code assistant}, and its text. */
public record ChatMessage(String role, String content) {

	public ChatMessage {
		if (!role.equals("system") && !role.equals("user") && !role.equals("assistant")) {
			throw new IllegalArgumentException("a chat role is system, user or assistant, not '" + role + "'");
		}
	}

	public static ChatMessage user(String content) {
		return new ChatMessage("user", content);
	}
}
