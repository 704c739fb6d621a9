package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.atelier.server.ApiException;

/**
 * The models folder's {@code checkpoints/}: its ONNX pipeline folders (those with diffusers'
 * {@code model_index.json}), each named by its folder's name. A name reaches a model only by being one of the names
 * listed here — the folder's own children — so no name ({@code ..}, a path, anything else) reaches a file outside it.
 * Checkpoint files ({@code .safetensors}) join the list once the diffusion engine runs them.
 */
final class Checkpoints {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+ -]*");

	/** One model: its name, which is also A1111's title and model_name, and its folder. */
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
			return children.filter(c -> Files.isRegularFile(c.resolve("model_index.json")))
					.map(c -> new Checkpoint(c.getFileName().toString(), c))
					.filter(c -> NAME.matcher(c.name()).matches()).sorted(Comparator.comparing(Checkpoint::name)).toList();
		} catch (IOException | UncheckedIOException e) {
			throw new ApiException(500, "cannot list " + root + ": " + e.getMessage());
		}
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
				.orElseThrow(() -> new ApiException(404, "no models in " + root + ": put an ONNX pipeline folder (with model_index.json) there"));
	}
}
