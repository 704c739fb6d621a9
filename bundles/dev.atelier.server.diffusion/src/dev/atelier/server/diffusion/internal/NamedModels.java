package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.atelier.core.ModelsFolder;
import dev.atelier.server.ApiException;

/**
 * A folder of the models folder whose files a request names: {@code vae/} (A1111's {@code sd_vae}) and
 * {@code controlnet/} (a ControlNet unit's {@code model}). A name is a file's name, with or without its extension, or an
 * A1111 title {@code NAME [hash]}; a name reaches a file only by being one of the folder's own files, so no path or
 * {@code ..} reaches one outside it.
 *
 * @param what the kind of file, for messages ("VAE")
 */
record NamedModels(Path folder, String what, List<String> extensions) {

	NamedModels {
		// the files go into requests that the queue runs from its own folder
		folder = folder.toAbsolutePath().normalize();
	}

	static NamedModels vaes(Path models) {
		return new NamedModels(models.resolve("vae"), "VAE", List.of(".safetensors", ".ckpt", ".pt"));
	}

	static NamedModels controlNets(Path models) {
		return new NamedModels(models.resolve("controlnet"), "ControlNet", List.of(".safetensors", ".pth", ".ckpt"));
	}

	/** The folder's files, by name; none where it does not exist. 500 where it cannot be read. */
	List<Path> list() throws ApiException {
		try {
			return ModelsFolder.files(folder, extensions.toArray(String[]::new));
		} catch (IOException e) {
			throw new ApiException(500, "cannot list " + folder + ": " + e.getMessage());
		}
	}

	/** The file of a name; 400 naming {@code param}, the folder and what it has where none is. */
	Path find(String name, String param) throws ApiException {
		String plain = name.replaceFirst("\\s*\\[[0-9a-fA-F]+\\]$", "");
		List<Path> files = list();
		Optional<Path> found = files.stream().filter(f -> f.getFileName().toString().equals(plain) || stem(f).equals(plain)).findFirst();
		return found.orElseThrow(() -> new ApiException(400, what + " '" + name + "' is not in " + folder
				+ (files.isEmpty() ? " (it has none)" : ": it has " + files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", "))),
				param));
	}

	/** A file's name without its extension: what A1111 and its ControlNet extension call the model. */
	String stem(Path file) {
		String name = file.getFileName().toString();
		String lower = name.toLowerCase(Locale.ROOT);
		for (String extension : extensions) {
			if (lower.endsWith(extension)) {
				return name.substring(0, name.length() - extension.length());
			}
		}
		return name;
	}
}
