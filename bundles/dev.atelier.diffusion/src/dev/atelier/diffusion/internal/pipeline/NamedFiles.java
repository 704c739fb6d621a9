package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A file a request gives as a path, or as a bare name (with or without its extension) in a folder of the workspace's models folder. */
public final class NamedFiles {

	private NamedFiles() {
	}

	/**
	 * @param folder     where a bare name is looked for, or null where there is none
	 * @param extensions added to a bare name, in this order, after the name as given
	 * @param what       the kind of file, for the message ("ControlNet")
	 * @throws IOException naming {@code given}, {@code what} and the folder, when neither finds a file
	 */
	public static Path find(Path given, Path folder, List<String> extensions, String what) throws IOException {
		if (Files.isRegularFile(given)) {
			return given;
		}
		if (folder != null && given.getNameCount() == 1) {
			Path named = folder.resolve(given.getFileName().toString());
			if (Files.isRegularFile(named)) {
				return named;
			}
			for (String extension : extensions) {
				Path candidate = folder.resolve(given.getFileName() + extension);
				if (Files.isRegularFile(candidate)) {
					return candidate;
				}
			}
			throw new IOException(given + ": no such " + what + " file, nor one of that name (" + String.join(", ", extensions) + ") in " + folder);
		}
		throw new IOException(given + ": no such " + what + " file");
	}
}
