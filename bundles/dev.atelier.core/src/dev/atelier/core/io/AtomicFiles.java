package dev.atelier.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader sees either the old content or the new one, never a torn file: the new
 * content goes to a temporary file beside the target, is forced to disk, and is then renamed over it.
 */
public final class AtomicFiles {

	/** Temporary files are named {@code .<target>.<random>.tmp} so that they can be found after a crash. */
	private static final String TEMP_SUFFIX = ".tmp";

	@FunctionalInterface
	public interface Writer {
		void write(OutputStream out) throws IOException;
	}

	private AtomicFiles() {
	}

	/** Replaces {@code target} with what {@code writer} writes, atomically. */
	public static void write(Path target, Writer writer) throws IOException {
		commit(writeTemp(target, writer), target);
	}

	/**
	 * First half of {@link #write}: the content, durably on disk in a temporary file beside the target.
	 * A crash after this step leaves the target untouched.
	 */
	public static Path writeTemp(Path target, Writer writer) throws IOException {
		Path dir = target.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", TEMP_SUFFIX);
		try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
			OutputStream out = Channels.newOutputStream(channel);
			writer.write(out);
			out.flush();
			channel.force(true);
		} catch (IOException | RuntimeException | Error e) {
			Files.deleteIfExists(temp);
			throw e;
		}
		return temp;
	}

	/** Second half of {@link #write}: renames the temporary file over the target and syncs the directory. */
	public static void commit(Path temp, Path target) throws IOException {
		try {
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		} catch (AtomicMoveNotSupportedException e) {
			Files.deleteIfExists(temp);
			throw new IOException("cannot replace " + target + " atomically on this file system", e);
		}
		syncDirectory(target.toAbsolutePath().getParent());
	}

	/**
	 * Like {@link #commit}, but never replaces a file: publishes the temporary file as {@code target} only if no
	 * file has that name, atomically even against other processes (a hard link, which fails on an existing name);
	 * returns false, keeping the temporary file, when the name is taken.
	 */
	public static boolean commitNew(Path temp, Path target) throws IOException {
		try {
			Files.createLink(target, temp);
		} catch (FileAlreadyExistsException e) {
			return false;
		} catch (UnsupportedOperationException | FileSystemException e) {
			// no hard links here (some network and FUSE file systems): a move that refuses an existing target
			try {
				Files.move(temp, target);
			} catch (FileAlreadyExistsException taken) {
				return false;
			}
			syncDirectory(target.toAbsolutePath().getParent());
			return true;
		}
		Files.delete(temp);
		syncDirectory(target.toAbsolutePath().getParent());
		return true;
	}

	/** Deletes temporary files that a crashed {@link #write} left beside {@code target}; returns how many. */
	public static int deleteStaleTemps(Path target) throws IOException {
		Path dir = target.toAbsolutePath().getParent();
		if (!Files.isDirectory(dir)) {
			return 0;
		}
		int deleted = 0;
		try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "." + target.getFileName() + ".*" + TEMP_SUFFIX)) {
			for (Path temp : temps) {
				Files.deleteIfExists(temp);
				deleted++;
			}
		}
		return deleted;
	}

	private static void syncDirectory(Path dir) {
		// Makes the rename itself durable; some file systems cannot open a directory for sync, which is harmless.
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		} catch (IOException e) {
			// best effort
		}
	}
}
