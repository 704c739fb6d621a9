package dev.atelier.core.secrets;

import java.io.IOException;
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
}
