package dev.atelier.diffusion.internal.pipeline;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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

	/**
	 * AUTOMATIC1111's short hash of a LoRA (kohya's "addnet" hash): the first 12 hex digits of the SHA-256 of a
	 * {@code .safetensors} file's tensor data, after its header, so that editing the metadata keeps it.
	 */
	static String ofSafetensorsData(Path file) throws IOException {
		String key = "data|" + file + '|' + Files.size(file) + '|' + Files.getLastModifiedTime(file).toMillis();
		String known = HASHES.get(key);
		if (known != null) {
			return known;
		}
		MessageDigest sha = sha256();
		try (InputStream in = Files.newInputStream(file)) {
			byte[] length = in.readNBytes(8);
			if (length.length < 8) {
				throw new IOException(file + ": too short for a safetensors file");
			}
			long header = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong();
			try {
				in.skipNBytes(header);
			} catch (EOFException e) {
				throw new IOException(file + ": its header length " + header + " runs past the end", e);
			}
			digest(in, sha);
		}
		String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
		HASHES.put(key, hash);
		return hash;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	private static void digest(InputStream in, MessageDigest sha) throws IOException {
		byte[] buffer = new byte[1 << 16];
		int n;
		while ((n = in.read(buffer)) >= 0) {
			sha.update(buffer, 0, n);
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
		MessageDigest sha = sha256();
		for (Path f : files) {
			try (InputStream in = Files.newInputStream(f)) {
				digest(in, sha);
			}
		}
		String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 10);
		HASHES.put(key.toString(), hash);
		return hash;
	}
}
