package dev.atelier.viewport.internal.gltf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Pattern;

import dev.atelier.core.io.AtomicFiles;

/**
 * The bytes behind a buffer's or an image's {@code uri}: a base64 data URI, or a file given relative to the glTF
 * file (percent-decoded as RFC 3986 says: {@code %20} is a space, {@code +} stays a plus). Other schemes (http:,
 * file:), absolute paths and paths that climb out of the glTF's folder ({@code ../}, or a link leading out) are
 * refused: a scene on disk loads what lies under its folder, nothing else.
 */
final class Uris {

	private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
	/** Java arrays stop a little short of Integer.MAX_VALUE. */
	static final long MAX_BYTES = Integer.MAX_VALUE - 8;

	private Uris() {
	}

	/** The bytes {@code uri} (the JSON string at that path) refers to; relative files are resolved against {@code dir}. */
	static ByteBuffer read(Json uri, Path dir) throws GltfException {
		String text = uri.asString();
		if (text.regionMatches(true, 0, "data:", 0, 5)) {
			return ByteBuffer.wrap(dataUri(uri, text));
		}
		if (SCHEME.matcher(text).find()) {
			throw uri.error("'" + text + "' is neither a data URI nor a relative path");
		}
		Path root = dir.toAbsolutePath().normalize();
		Path file;
		try {
			file = root.resolve(percentDecoded(uri, text)).normalize();
		} catch (InvalidPathException e) {
			throw uri.error("'" + text + "' is not a valid path", e);
		}
		// a hostile scene could otherwise read any file of the user's (an absolute path, ../../.ssh/id_rsa)
		if (!file.startsWith(root) || !realPathUnder(file, root)) {
			throw uri.error("'" + text + "' lies outside " + root + ", the glTF's folder: only files under it, or data: URIs, are read");
		}
		long size;
		try {
			AtomicFiles.requireRegular(file); // a pipe or a device would block or never end
			size = Files.size(file);
			if (size <= MAX_BYTES) {
				return ByteBuffer.wrap(Files.readAllBytes(file));
			}
		} catch (NoSuchFileException e) {
			throw uri.error("cannot read " + file + " (" + e.getClass().getSimpleName() + ")", e);
		} catch (IOException e) {
			throw uri.error("cannot read " + file + " (" + e.getMessage() + ")", e);
		}
		throw uri.error(file + " has " + size + " bytes, more than the loader reads into memory");
	}

	/** Whether {@code file}, where it exists, is still under {@code root} once links are followed. */
	private static boolean realPathUnder(Path file, Path root) {
		try {
			return !Files.exists(file) || file.toRealPath().startsWith(root.toRealPath());
		} catch (IOException e) {
			return false; // refused as outside: a path that cannot be resolved is not read either
		}
	}

	/** The name of the file {@code uri} names, percent-decoded; null for a data URI. */
	static String fileName(Json uri) throws GltfException {
		String text = uri.asString();
		if (text.regionMatches(true, 0, "data:", 0, 5)) {
			return null;
		}
		String path = percentDecoded(uri, text);
		return path.substring(path.lastIndexOf('/') + 1);
	}

	private static byte[] dataUri(Json uri, String text) throws GltfException {
		int comma = text.indexOf(',');
		if (comma < 0) {
			throw uri.error("data URI has no ',' before its data");
		}
		String header = text.substring(5, comma);
		if (!header.regionMatches(true, header.length() - 7, ";base64", 0, 7)) {
			throw uri.error("data URI '" + header + "' is not base64");
		}
		try {
			return Base64.getDecoder().decode(text.substring(comma + 1));
		} catch (IllegalArgumentException e) {
			throw uri.error("data URI is not valid base64: " + e.getMessage(), e);
		}
	}

	private static String percentDecoded(Json uri, String text) throws GltfException {
		if (text.indexOf('%') < 0) {
			return text;
		}
		// Escapes are ASCII, so they can be decoded in the UTF-8 bytes and the result decoded as UTF-8 once.
		byte[] in = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
		for (int i = 0; i < in.length; i++) {
			if (in[i] != '%') {
				out.write(in[i]);
				continue;
			}
			int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
			int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
			if (lo < 0) {
				throw uri.error("'" + text + "' has a malformed percent escape");
			}
			out.write(hi * 16 + lo);
			i += 2;
		}
		try {
			return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out.toByteArray())).toString();
		} catch (CharacterCodingException e) {
			throw uri.error("'" + text + "' percent-decodes to bytes that are not UTF-8", e);
		}
	}
}
