package dev.atelier.diffusion.internal.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * AUTOMATIC1111's short model hash: the first 10 hex digits of the SHA-256 of a model's files, in the order given.
 * Remembered for the process by the files' names, sizes and times, since reading a few GB of weights takes seconds and
 * a model is loaded again after each eviction.
 */
final class ModelHash {

	private static final Map<String, String> HASHES = new ConcurrentHashMap<>();

	private ModelHash() {
	}

	/** Of the regular files in {@code folder} whose names {@code take}, in name order. */
	static String ofFolder(Path folder, Predicate<String> take) throws IOException {
		try (Stream<Path> list = Files.list(folder)) {
			return of(list.filter(Files::isRegularFile).filter(f -> take.test(f.getFileName().toString())).sorted().toList());
		}
	}

	static String of(List<Path> files) throws IOException {
		StringBuilder key = new StringBuilder();
		for (Path f : files) {
			key.append(f).append('|').append(Files.size(f)).append('|').append(Files.getLastModifiedTime(f).toMillis()).append('\n');
		}
		String known = HASHES.get(key.toString());
		if (known != null) {
			return known;
		}
		MessageDigest sha;
		try {
			sha = MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
		byte[] buffer = new byte[1 << 16];
		for (Path f : files) {
			try (InputStream in = new DigestInputStream(Files.newInputStream(f), sha)) {
				while (in.read(buffer) >= 0) {
					// the digest sees every byte read
				}
			}
		}
		String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 10);
		HASHES.put(key.toString(), hash);
		return hash;
	}
}
