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
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

	/** Writes a whole file at the path it is given (for writers that open their file themselves). */
	@FunctionalInterface
	public interface FileWriter {
		void write(Path file) throws IOException;
	}

	/** Temporary files being written now (see {@link #deleteUnfinished}). */
	private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

	private static final SecureRandom RANDOM = new SecureRandom();

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
		return writeTempFile(target, temp -> {
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
				OutputStream out = Channels.newOutputStream(channel);
				writer.write(out);
				out.flush();
			}
		});
	}

	/**
	 * As {@link #writeTemp}, for a writer that opens the file itself: it writes the temporary file it is given, which is
	 * then forced to disk. A failure deletes it and names the target.
	 */
	public static Path writeTempFile(Path target, FileWriter writer) throws IOException {
		checkWritable(target);
		Path dir = target.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		Path temp = createTemp(dir, target);
		IN_FLIGHT.add(temp);
		try {
			writer.write(temp);
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
				channel.force(true);
			}
		} catch (IOException e) {
			Files.deleteIfExists(temp);
			throw new IOException("cannot write " + target + ": " + describe(e), e);
		} catch (RuntimeException | Error e) {
			Files.deleteIfExists(temp);
			throw e;
		} finally {
			IN_FLIGHT.remove(temp);
		}
		return temp;
	}

	/**
	 * A new empty file beside the target that will become it: with the permissions the target has, or else those any new
	 * file gets (the user's umask) — not createTempFile's owner-only ones, which would leave images and models unreadable
	 * to the group and other users that expect to read them.
	 */
	private static Path createTemp(Path dir, Path target) throws IOException {
		Set<PosixFilePermission> keep = Files.isRegularFile(target) && Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)
				? Files.getPosixFilePermissions(target)
				: null;
		while (true) {
			Path temp = dir.resolve("." + target.getFileName() + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + TEMP_SUFFIX);
			try {
				Files.createFile(temp);
			} catch (FileAlreadyExistsException e) {
				continue;
			}
			if (keep != null) {
				Files.setPosixFilePermissions(temp, keep);
			}
			return temp;
		}
	}

	/** Replaces {@code target} with the file {@code writer} writes, atomically (see {@link #writeTempFile}). */
	public static void writeFile(Path target, FileWriter writer) throws IOException {
		commit(writeTempFile(target, writer), target);
	}

	/**
	 * Checks that {@code target} can be written as a file, so that a command refuses a bad output path before its work
	 * rather than after: not a folder, and under a folder that exists and is writable, or can be created.
	 *
	 * @throws IOException "cannot write TARGET: why"
	 */
	public static void checkWritable(Path target) throws IOException {
		Path absolute = target.toAbsolutePath();
		if (Files.isDirectory(absolute)) {
			throw new IOException("cannot write " + target + ": it is a folder");
		}
		if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
			throw new IOException("cannot write " + target + ": not a regular file");
		}
		checkCreatable(target, absolute.getParent());
	}

	/** As {@link #checkWritable}, for a folder that files will be written into: a folder, or creatable as one. */
	public static void checkWritableFolder(Path folder) throws IOException {
		Path absolute = folder.toAbsolutePath();
		if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
			throw new IOException("cannot write into " + folder + ": it is a file, not a folder");
		}
		checkCreatable(folder, absolute);
	}

	/** {@code dir}, or the closest of its parents that exists, is a writable folder. */
	private static void checkCreatable(Path target, Path dir) throws IOException {
		while (dir != null && !Files.exists(dir)) {
			dir = dir.getParent();
		}
		if (dir == null || !Files.isDirectory(dir)) {
			throw new IOException("cannot write " + target + ": " + (dir == null ? "no folder" : dir + " is not a folder"));
		}
		if (!Files.isWritable(dir)) {
			throw new IOException("cannot write " + target + ": " + dir + " is not writable");
		}
	}

	/**
	 * Refuses what is not a regular file (a FIFO, a device, a folder) before it is opened: reading a FIFO would wait
	 * forever for a writer.
	 */
	public static void requireRegular(Path file) throws IOException {
		if (Files.exists(file) && !Files.isRegularFile(file)) {
			throw new IOException(file + ": not a regular file (" + (Files.isDirectory(file) ? "a folder" : "a FIFO, socket or device") + ")");
		}
	}

	/**
	 * Deletes the temporary files of writes still under way, so that a process stopped by a signal leaves no partial
	 * output behind; the job service calls it on SIGTERM once its jobs had their chance to end.
	 */
	public static void deleteUnfinished() {
		for (Path temp : IN_FLIGHT) {
			try {
				Files.deleteIfExists(temp);
			} catch (IOException e) {
				// the process is ending; what stays is a hidden .tmp file that no reader takes for output
			}
		}
	}

	/** An I/O failure in words: "No space left on device" rather than the bare exception. */
	private static String describe(IOException e) {
		String message = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
		return message == null ? e.getClass().getSimpleName() : message;
	}

	/** Second half of {@link #write}: renames the temporary file over the target and syncs the directory. */
	public static void commit(Path temp, Path target) throws IOException {
		try {
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		} catch (AtomicMoveNotSupportedException e) {
			Files.deleteIfExists(temp);
			throw new IOException("cannot replace " + target + " atomically on this file system", e);
		} catch (IOException e) {
			Files.deleteIfExists(temp);
			throw new IOException("cannot write " + target + ": " + (Files.isDirectory(target) ? "it is a folder" : describe(e)), e);
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
