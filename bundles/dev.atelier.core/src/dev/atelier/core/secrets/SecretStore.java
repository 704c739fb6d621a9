package dev.atelier.core.secrets;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Secrets (API keys, tokens) in the workspace's secure storage, {@code <workspace>/secure-storage}: Eclipse secure
 * storage, every value encrypted, unlocked without a prompt by a key file beside it that only its owner can read.
 * Values are never written in clear and never logged; messages name the entry, not the value.
 * <p>
 * An entry is a node path ({@code /}-separated, each segment free of {@code /}, e.g.
 * {@code dev.atelier.llm/servers/<id>}) and a key within it.
 */
public interface SecretStore {

	Optional<String> get(String path, String key) throws IOException;

	/** Stores the value encrypted and writes the storage file. */
	void put(String path, String key, String value) throws IOException;

	/**
	 * Removes the node at {@code path} with everything under it, and writes the storage file; false when there was no
	 * such node.
	 */
	boolean remove(String path) throws IOException;

	/** API keys and tokens are at most a few hundred characters; far more is a wrong file piped in. */
	int MAX_KEY_CHARS = 16 * 1024;

	/**
	 * A key as a command reads it: the first line of {@code in} (never an argument, which shell history and {@code ps}
	 * would show), stripped; refused once it passes {@link #MAX_KEY_CHARS} rather than held whole.
	 *
	 * @throws IllegalArgumentException when the line is empty or too long, saying which
	 */
	static String readKey(InputStream in) throws IOException {
		StringBuilder key = new StringBuilder();
		Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
		for (int c = reader.read(); c != -1 && c != '\n'; c = reader.read()) {
			if (key.length() == MAX_KEY_CHARS) {
				throw new IllegalArgumentException("the key on standard input is longer than " + MAX_KEY_CHARS + " characters: not an API key");
			}
			key.append((char) c);
		}
		if (key.toString().isBlank()) {
			throw new IllegalArgumentException("no key on standard input");
		}
		return key.toString().strip();
	}
}
