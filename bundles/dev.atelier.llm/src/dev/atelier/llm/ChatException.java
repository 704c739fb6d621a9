package dev.atelier.llm;

/** A chat that could not be answered: a server down, slow, refusing or sending garbage; the message says which and where. */
public class ChatException extends Exception {

	private static final long serialVersionUID = 1L;

	public ChatException(String message) {
		super(message);
	}

	public ChatException(String message, Throwable cause) {
		super(message, cause);
	}
}
