package dev.atelier.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.atelier.core.internal.PropertiesPreferences;

/**
 * Where models live: the preference {@value #PREFERENCE}, else {@code <workspace>/models}, with a folder per kind as
 * the diffusion and server issues lay it out: {@code llm/} (GGUF files), {@code checkpoints/} (Stable Diffusion), and
 * beside it {@code loras/}, {@code controlnet/} and {@code vae/}.
 */
public final class ModelsFolder {

	public static final String PREFERENCE = "models.folder";

	private ModelsFolder() {
	}

	public static Path root(Path workspace, Preferences preferences) {
		String chosen = preferences == null ? "" : preferences.get(PREFERENCE, "").strip();
		return chosen.isEmpty() ? workspace.resolve("models") : Path.of(chosen);
	}

	/**
	 * The models folder a workspace's own preferences file names: for a process (a CLI command, {@code atelier serve})
	 * that runs on a workspace other than the one its framework's {@link Preferences} service reads.
	 */
	public static Path root(AtelierPaths workspace) {
		return root(workspace.workspaceRoot(), PropertiesPreferences.at(workspace.preferencesFile()));
	}

	/** GGUF language models. */
	public static Path llm(Path workspace, Preferences preferences) {
		return root(workspace, preferences).resolve("llm");
	}

	/** Stable Diffusion checkpoints and pipeline folders. */
	public static Path checkpoints(Path workspace, Preferences preferences) {
		return root(workspace, preferences).resolve("checkpoints");
	}

	/** LoRA files, which a prompt's {@code <lora:NAME:W>} names. */
	public static Path loras(Path workspace, Preferences preferences) {
		return root(workspace, preferences).resolve("loras");
	}

	/** ControlNet files. */
	public static Path controlNets(Path workspace, Preferences preferences) {
		return root(workspace, preferences).resolve("controlnet");
	}

	/** VAE files that replace a checkpoint's own. */
	public static Path vaes(Path workspace, Preferences preferences) {
		return root(workspace, preferences).resolve("vae");
	}

	/** The GGUF files of an {@code llm/} folder, by name. */
	public static List<Path> ggufFiles(Path llm) throws IOException {
		return entries(llm, f -> f.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(f));
	}

	/**
	 * The Stable Diffusion models of a {@code checkpoints/} folder, by name: checkpoint files ({@code .safetensors},
	 * {@code .ckpt}) and pipeline folders (with diffusers' {@code model_index.json}).
	 */
	public static List<Path> stableDiffusionModels(Path checkpoints) throws IOException {
		return entries(checkpoints, p -> Files.isRegularFile(p.resolve("model_index.json")) || isFile(p, ".safetensors", ".ckpt"));
	}

	/** The files of {@code folder} whose names end in one of {@code extensions} (in any case), by name. */
	public static List<Path> files(Path folder, String... extensions) throws IOException {
		return entries(folder, p -> isFile(p, extensions));
	}

	private static boolean isFile(Path p, String... extensions) {
		String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
		return Files.isRegularFile(p) && Arrays.stream(extensions).anyMatch(name::endsWith);
	}

	/** The entries of {@code folder} that {@code keep} accepts, by name; none where the folder does not exist. */
	private static List<Path> entries(Path folder, Predicate<Path> keep) throws IOException {
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (Stream<Path> children = Files.list(folder)) {
			return children.filter(keep).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
		} catch (UncheckedIOException e) {
			throw e.getCause();
		}
	}
}
