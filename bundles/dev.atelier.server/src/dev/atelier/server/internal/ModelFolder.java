package dev.atelier.server.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.atelier.server.ApiException;

/**
 * The models folder's {@code llm/}: a model's name is its {@code .gguf} file's name without the extension.
 * A name reaches a file only by being one of the folder's listed names, so no name (with {@code /}, {@code ..} or
 * anything else) reaches a file outside it.
 */
final class ModelFolder {

	/** Ollama's clients append a tag; {@code :latest} is the only one a file has. */
	static final String TAG = ":latest";
	private static final String EXTENSION = ".gguf";
	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

	record Entry(String name, Path file, long bytes, FileTime modified) {
	}

	private final Path root;

	ModelFolder(Path root) {
		this.root = root.toAbsolutePath().normalize();
	}

	/** The models, by name; none where the folder does not exist. */
	List<Entry> list() throws IOException {
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(root)) {
			return files.filter(f -> f.getFileName().toString().endsWith(EXTENSION) && Files.isRegularFile(f))
					.map(this::entry).filter(e -> NAME.matcher(e.name()).matches()).sorted(java.util.Comparator.comparing(Entry::name)).toList();
		} catch (java.io.UncheckedIOException e) {
			throw e.getCause();
		}
	}

	private Entry entry(Path file) {
		String fileName = file.getFileName().toString();
		try {
			return new Entry(fileName.substring(0, fileName.length() - EXTENSION.length()), file, Files.size(file), Files.getLastModifiedTime(file));
		} catch (IOException e) {
			throw new java.io.UncheckedIOException(e);
		}
	}

	/** The model of a name (with or without {@code :latest}): 400 for a name that cannot be one, 404 for one not in the folder. */
	Entry find(String name, String param) throws ApiException {
		if (name == null || name.isBlank()) {
			throw new ApiException(400, "'" + param + "' is missing: name a model of " + root, param);
		}
		String plain = name.endsWith(TAG) ? name.substring(0, name.length() - TAG.length()) : name;
		if (!NAME.matcher(plain).matches()) {
			throw new ApiException(400, "'" + name + "' is not a model name: names are letters, digits, '.', '_', '+' and '-'", param);
		}
		return entries().stream().filter(e -> e.name().equals(plain)).findFirst()
				.orElseThrow(() -> new ApiException(404, "model '" + name + "' not found in " + root, param));
	}

	/** As {@link #list()}, for a request: a folder that cannot be read is the server's error (500). */
	List<Entry> entries() throws ApiException {
		try {
			return list();
		} catch (IOException e) {
			throw new ApiException(500, "cannot list " + root + ": " + e.getMessage());
		}
	}
}
