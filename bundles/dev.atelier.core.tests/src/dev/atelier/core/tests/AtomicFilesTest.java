package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
	void aNewFileGetsThePermissionsOfAnyNewFileNotOwnerOnly() throws IOException {
		Path plain = Files.createFile(dir.resolve("plain"));
		Path target = dir.resolve("image.png");
		AtomicFiles.write(target, out -> out.write(1));
		assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(target), "as the user's umask gives them");
	}

	@Test
	void aReplacedFileKeepsItsPermissions() throws IOException {
		Path target = dir.resolve("private.txt");
		AtomicFiles.write(target, out -> out.write(1));
		Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
		AtomicFiles.write(target, out -> out.write(2));
		assertEquals(PosixFilePermissions.fromString("rw-r-----"), Files.getPosixFilePermissions(target));
	}

	@Test
	void failingWriterKeepsTheOldContentAndIsReportedWithTheFile() throws IOException {
		Path target = dir.resolve("a.txt");
		AtomicFiles.write(target, out -> out.write("saved".getBytes(StandardCharsets.UTF_8)));
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
			out.write("half of the new".getBytes(StandardCharsets.UTF_8));
			throw new IOException("disk full");
		}));
		assertEquals("cannot write " + target + ": disk full", e.getMessage());
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

	@Test
	void writesUnderWayWhenTheProcessEndsLeaveNoFile() throws Exception {
		Path target = dir.resolve("model.gguf");
		CountDownLatch writing = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread writer = Thread.ofVirtual().start(() -> {
			try {
				AtomicFiles.write(target, out -> {
					out.write("half".getBytes(StandardCharsets.UTF_8));
					writing.countDown();
					try {
						release.await();
					} catch (InterruptedException e) {
						Thread.currentThread().interrupt();
					}
				});
			} catch (IOException e) {
				// the write was abandoned: expected
			}
		});
		assertTrue(writing.await(10, TimeUnit.SECONDS));
		assertEquals(1, count(), "the temporary file");
		AtomicFiles.deleteUnfinished();
		assertEquals(0, count());
		release.countDown();
		writer.join();
		assertFalse(Files.exists(target), "no partial output");
		assertEquals(0, count());
	}

	@Test
	void aWriterThatOpensItsOwnFileReplacesTheTargetWhole() throws IOException {
		Path target = Files.writeString(dir.resolve("model.gguf"), "old");
		AtomicFiles.writeFile(target, temp -> Files.writeString(temp, "new"));
		assertEquals("new", Files.readString(target));
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeFile(target, temp -> {
			Files.writeString(temp, "partial");
			throw new IOException("No space left on device");
		}));
		assertEquals("cannot write " + target + ": No space left on device", e.getMessage());
		assertEquals("new", Files.readString(target), "the old content stays until the new one is whole");
		assertEquals(1, count());
	}

	@Test
	void aFolderAsTargetIsRefusedByName() {
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(dir, out -> out.write(1)));
		assertEquals("cannot write " + dir + ": it is a folder", e.getMessage());
	}

	@Test
	void aFifoIsNotARegularFile() throws Exception {
		Path fifo = dir.resolve("prompts.txt");
		assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
		IOException e = assertThrows(IOException.class, () -> AtomicFiles.requireRegular(fifo));
		assertEquals(fifo + ": not a regular file (a FIFO, socket or device)", e.getMessage());
	}

	private long count() throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			return files.count();
		}
	}
}
