package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.atelier.viewport.scene.Scene;

/** Small glTF files for tests: JSON as the test writes it, binary data built value by value as little-endian bytes. */
final class TestGltf {

	private TestGltf() {
	}

	/** Little-endian bytes, appended value by value. */
	static final class Bytes {

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		Bytes floats(float... values) {
			ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
			for (float v : values) {
				b.putFloat(v);
			}
			out.writeBytes(b.array());
			return this;
		}

		/** One byte each; signed and unsigned values are written alike. */
		Bytes bytes(int... values) {
			for (int v : values) {
				out.write(v);
			}
			return this;
		}

		Bytes shorts(int... values) {
			ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
			for (int v : values) {
				b.putShort((short) v);
			}
			out.writeBytes(b.array());
			return this;
		}

		Bytes ints(long... values) {
			ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
			for (long v : values) {
				b.putInt((int) v);
			}
			out.writeBytes(b.array());
			return this;
		}

		Bytes raw(byte[] data) {
			out.writeBytes(data);
			return this;
		}

		int size() {
			return out.size();
		}

		byte[] array() {
			return out.toByteArray();
		}

		String dataUri() {
			return "data:application/octet-stream;base64," + Base64.getEncoder().encodeToString(array());
		}
	}

	/**
	 * {@code dir/name}: a glTF 2.0 document with one embedded buffer holding {@code data}, and the JSON members
	 * {@code members} (comma-separated, without the braces).
	 */
	static Path gltf(Path dir, String name, Bytes data, String members) {
		return write(dir, name, "{\"asset\": {\"version\": \"2.0\"}, \"buffers\": [{\"uri\": \"" + data.dataUri() + "\", \"byteLength\": " + data.size()
				+ "}], " + members + "}");
	}

	static Path write(Path dir, String name, String text) {
		return write(dir, name, text.getBytes(StandardCharsets.UTF_8));
	}

	static Path write(Path dir, String name, byte[] data) {
		try {
			Path file = dir.resolve(name);
			Files.createDirectories(file.getParent());
			return Files.write(file, data);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** The message of the GltfException loading {@code file} throws. */
	static String failure(Path file) {
		return assertThrows(GltfException.class, () -> GltfLoader.load(file)).getMessage();
	}

	/** The scene and the notes of loading {@code file}. */
	record Loaded(Scene scene, List<String> notes) {
	}

	static Loaded load(Path file) throws GltfException {
		List<String> notes = new ArrayList<>();
		return new Loaded(GltfLoader.load(file, notes::add), notes);
	}
}
