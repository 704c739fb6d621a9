package dev.atelier.server.diffusion.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The sha256 of checkpoint files, as A1111's {@code sd-models} gives them ({@code sha256}, and {@code hash}: its first
 * 10 hex digits). Hashing a model of gigabytes takes seconds, so no listing waits for it: the first listing that names
 * a file has it hashed on a thread of its own (one file at a time), and lists null until the hash is known — as
 * A1111 lists null until it has hashed a model — then the hash, kept for the file's path, size and modification time.
 */
final class FileHashes implements AutoCloseable {

	private static final System.Logger LOG = System.getLogger(FileHashes.class.getName());
	private static final int SHORT = 10;

	/** A file as it was when hashed: a file written since is hashed again. */
	private record Version(Path file, long size, long modified) {
	}

	private final Map<Version, String> known = new ConcurrentHashMap<>();
	private final Set<Version> hashing = ConcurrentHashMap.newKeySet();
	private final ExecutorService hasher = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("atelier serve sha256").unstarted(r));

	/** The file's sha256 in lower-case hex where it is known; otherwise empty, and hashing it begins. */
	Optional<String> sha256(Path file) {
		Version version;
		try {
			BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
			if (!attributes.isRegularFile()) {
				return Optional.empty();
			}
			version = new Version(file, attributes.size(), attributes.lastModifiedTime().toMillis());
		} catch (IOException e) {
			return Optional.empty();
		}
		String hash = known.get(version);
		if (hash == null && hashing.add(version)) {
			hasher.execute(() -> {
				try {
					known.put(version, digest(file));
				} catch (IOException e) {
					LOG.log(System.Logger.Level.WARNING, "cannot hash " + file + " for sd-models: " + e.getMessage());
				} finally {
					hashing.remove(version);
				}
			});
		}
		return Optional.ofNullable(hash);
	}

	/** A1111's short hash: the sha256's first 10 hex digits. */
	static String shortHash(String sha256) {
		return sha256.substring(0, SHORT);
	}

	private static String digest(Path file) throws IOException {
		MessageDigest sha;
		try {
			sha = MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java runtime has SHA-256", e);
		}
		byte[] buffer = new byte[1 << 20];
		try (InputStream in = Files.newInputStream(file)) {
			for (int n; (n = in.read(buffer)) > 0;) {
				sha.update(buffer, 0, n);
			}
		}
		return HexFormat.of().formatHex(sha.digest());
	}

	@Override
	public void close() {
		hasher.shutdownNow();
	}
}
