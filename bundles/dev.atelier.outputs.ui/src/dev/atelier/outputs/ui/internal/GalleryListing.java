package dev.atelier.outputs.ui.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.atelier.core.outputs.Outputs;

/** The PNG files of the workspace's outputs folder, newest first; runs off the UI thread. */
final class GalleryListing {

	/** A file and when it was last written, in milliseconds since the epoch. */
	record Entry(Path file, long modifiedMillis) {
	}

	/** Newest first; files written in the same millisecond by name, higher first (the service numbers them upwards). */
	static final Comparator<Entry> NEWEST_FIRST = Comparator.comparingLong(Entry::modifiedMillis).reversed()
			.thenComparing(e -> e.file().getFileName().toString(), Comparator.reverseOrder());

	private GalleryListing() {
	}

	/**
	 * The PNG files in {@code folder} and its subfolders one level down (the workspace's {@code outputs/diffusion},
	 * {@code outputs/render}, …), newest first, but not the images generations were given ({@link Outputs#INPUTS});
	 * an absent folder has none.
	 */
	static List<Entry> newestFirst(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		List<Entry> entries = new ArrayList<>();
		try (Stream<Path> files = Files.walk(folder, 2)) {
			Path inputs = folder.resolve(Outputs.INPUTS);
			files.filter(f -> isPng(f) && !inputs.equals(f.getParent())).forEach(f -> {
				try {
					entries.add(new Entry(f, Files.getLastModifiedTime(f).toMillis()));
				} catch (NoSuchFileException gone) {
					// deleted while listing
				} catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			});
		} catch (UncheckedIOException e) {
			throw e.getCause();
		}
		return sort(entries);
	}

	static List<Entry> sort(Collection<Entry> entries) {
		return entries.stream().sorted(NEWEST_FIRST).toList();
	}

	static boolean isPng(Path file) {
		return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png") && Files.isRegularFile(file);
	}
}
