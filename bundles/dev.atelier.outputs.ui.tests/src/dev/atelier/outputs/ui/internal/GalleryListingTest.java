package dev.atelier.outputs.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GalleryListingTest {

	@TempDir
	Path dir;

	private static List<Path> files(List<GalleryListing.Entry> entries) {
		return entries.stream().map(GalleryListing.Entry::file).toList();
	}

	private Path file(String name, long modifiedMillis) throws Exception {
		Path f = Files.writeString(dir.resolve(name), name);
		Files.setLastModifiedTime(f, FileTime.fromMillis(modifiedMillis));
		return f;
	}

	@Test
	void listsPngFilesNewestFirstAndNothingElse() throws Exception {
		Path old = file("00000-1.png", 1_000_000);
		Path newest = file("00002-3.png", 3_000_000);
		Path middle = file("00001-2.PNG", 2_000_000);
		file("notes.txt", 4_000_000);
		Files.createDirectories(dir.resolve("sub.png"));
		assertEquals(List.of(newest, middle, old), files(GalleryListing.newestFirst(dir)));
	}

	@Test
	void filesWrittenInTheSameMillisecondAreOrderedByNameHigherFirst() throws Exception {
		Path a = file("00003-7.png", 5_000_000);
		Path b = file("00004-8.png", 5_000_000);
		assertEquals(List.of(b, a), files(GalleryListing.newestFirst(dir)));
		assertEquals(List.of(Path.of("b"), Path.of("a")),
				files(GalleryListing.sort(List.of(new GalleryListing.Entry(Path.of("a"), 7), new GalleryListing.Entry(Path.of("b"), 7)))));
	}

	@Test
	void generatedAndRenderedImagesOneFolderDownAreListedTogether() throws Exception {
		Files.createDirectories(dir.resolve("diffusion"));
		Files.createDirectories(dir.resolve("render/deeper"));
		Path generated = file("diffusion/00000-1.png", 1_000_000);
		Path rendered = file("render/cornell.png", 2_000_000);
		file("render/deeper/ignored.png", 3_000_000);
		assertEquals(List.of(rendered, generated), files(GalleryListing.newestFirst(dir)));
	}

	@Test
	void theImagesGenerationsWereGivenAreNotListed() throws Exception {
		Files.createDirectories(dir.resolve("diffusion"));
		Files.createDirectories(dir.resolve("inputs"));
		Path generated = file("diffusion/00000-1.png", 1_000_000);
		file("inputs/0f3a.png", 2_000_000);
		assertEquals(List.of(generated), files(GalleryListing.newestFirst(dir)));
	}

	@Test
	void aFolderNotYetCreatedHasNoImages() throws Exception {
		assertEquals(List.of(), files(GalleryListing.newestFirst(dir.resolve("outputs/diffusion"))));
	}
}
