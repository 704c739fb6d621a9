package dev.atelier.core;

import java.nio.file.Path;

/**
 * Where models live: the preference {@value #PREFERENCE}, else {@code <workspace>/models}, with a folder per kind as
 * the diffusion and server issues lay it out: {@code llm/} (GGUF files), {@code checkpoints/} (Stable Diffusion).
 */
public final class ModelsFolder {

	public static final String PREFERENCE = "models.folder";

	private ModelsFolder() {
	}

	public static Path root(Path workspace, Preferences preferences) {
		String chosen = preferences == null ? "" : preferences.get(PREFERENCE, "").strip();
		return chosen.isEmpty() ? workspace.resolve("models") : Path.of(chosen);
	}

	/** GGUF language models. */
	public static Path llm(Path workspace, Preferences preferences) {
		return root(workspace, preferences).resolve("llm");
	}

	/** Stable Diffusion checkpoints and pipeline folders. */
	public static Path checkpoints(Path workspace, Preferences preferences) {
		return root(workspace, preferences).resolve("checkpoints");
	}
}
