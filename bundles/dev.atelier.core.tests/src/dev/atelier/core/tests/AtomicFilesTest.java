package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.io.AtomicFiles;

class AtomicFilesTest {

	@TempDir
	Path dir;

	@Test
	void writeReplacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
		Path target = dir.resolve("a.txt");
		AtomicFiles.write(target, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
		AtomicFiles.write(target, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
		assertEquals("two", Files.readString(target));
		assertEquals(1, count());
	}

	@Test
	void failingWriterKeepsTheOldContent() throws IOException {
		Path target = dir.resolve("a.txt");
		AtomicFiles.write(target, out -> out.write("saved".getBytes(StandardCharsets.UTF_8)));
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
			out.write("half of the new".getBytes(StandardCharsets.UTF_8));
			throw new IOException("disk full");
		}));
		assertEquals("disk full", e.getMessage());
		assertEquals("saved", Files.readString(target));
		assertEquals(1, count(), "the temporary file is removed");
	}

	@Test
	void crashBeforeTheRenameLeavesTheTargetIntactAndTheTempIsCleanedLater() throws IOException {
		Path target = dir.resolve("a.txt");
		AtomicFiles.write(target, out -> out.write("saved".getBytes(StandardCharsets.UTF_8)));
		Path temp = AtomicFiles.writeTemp(target, out -> out.write("never committed".getBytes(StandardCharsets.UTF_8)));
		assertTrue(Files.exists(temp));
		assertEquals("saved", Files.readString(target));
		assertEquals(1, AtomicFiles.deleteStaleTemps(target));
		assertFalse(Files.exists(temp));
		assertEquals("saved", Files.readString(target));
	}

	private long count() throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.count();
		}
	}
}
