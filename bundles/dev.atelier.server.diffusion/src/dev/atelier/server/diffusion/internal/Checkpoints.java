package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.atelier.server.ApiException;

/**
 * The models folder's {@code checkpoints/}: its checkpoint files ({@code .safetensors}, {@code .ckpt}: the native
 * engine's) and its pipeline folders (those with diffusers' {@code model_index.json}: ONNX or safetensors weights), each
 * named by its file or folder name without the extension. A name reaches a model only by being one of the names listed
 * here — the folder's own children — so no name ({@code ..}, a path, anything else) reaches a file outside it. Where a
 * folder and a file (or two files) share a name, the first by file name is listed: the folder, then {@code .ckpt}.
 */
final class Checkpoints {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+ -]*");
	private static final Pattern CHECKPOINT_FILE = Pattern.compile("(.+)\\.(?i:safetensors|ckpt)");

	/** One model: its name, which is also A1111's title and model_name, and its file or folder. */
	record Checkpoint(String name, Path path) {
	}

	private final Path root;

	Checkpoints(Path root) {
		this.root = root.toAbsolutePath().normalize();
	}

	Path root() {
		return root;
	}

	/** The models, by name; none where the folder does not exist. 500 where it cannot be read. */
	List<Checkpoint> list() throws ApiException {
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		try (Stream<Path> children = Files.list(root)) {
			Map<String, Checkpoint> byName = new TreeMap<>();
			children.sorted(Comparator.comparing(c -> c.getFileName().toString())).forEach(c -> name(c).filter(n -> NAME.matcher(n).matches())
					.ifPresent(n -> byName.putIfAbsent(n, new Checkpoint(n, c))));
			return List.copyOf(byName.values());
		} catch (IOException | UncheckedIOException e) {
			throw new ApiException(500, "cannot list " + root + ": " + e.getMessage());
		}
	}

	/** A pipeline folder's name, or a checkpoint file's without its extension; empty for anything else. */
	private static Optional<String> name(Path child) {
		String file = child.getFileName().toString();
		if (Files.isRegularFile(child.resolve("model_index.json"))) {
			return Optional.of(file);
		}
		Matcher checkpoint = CHECKPOINT_FILE.matcher(file);
		return checkpoint.matches() && Files.isRegularFile(child) ? Optional.of(checkpoint.group(1)) : Optional.empty();
	}

	/**
	 * The model of a name, or of an A1111 title ({@code name [hash]}); 404 naming the folder where none has it.
	 * {@code param} is the request's field, for the message.
	 */
	Checkpoint find(String name, String param) throws ApiException {
		String plain = name.replaceFirst("\\s*\\[[0-9a-fA-F]+\\]$", "");
		Optional<Checkpoint> found = list().stream().filter(c -> c.name().equals(plain)).findFirst();
		return found.orElseThrow(() -> new ApiException(404, "model '" + name + "' not found in " + root, param));
	}

	/** The model a request without one gets: {@code chosen} where set, else the first; 404 where there is none. */
	Checkpoint current(String chosen) throws ApiException {
		if (chosen != null) {
			return find(chosen, "sd_model_checkpoint");
		}
		return list().stream().findFirst()
				.orElseThrow(() -> new ApiException(404, "no models in " + root + ": put a checkpoint file (.safetensors, .ckpt) or a pipeline folder (with model_index.json) there"));
	}
}
