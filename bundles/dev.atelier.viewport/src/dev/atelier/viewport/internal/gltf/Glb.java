package dev.atelier.viewport.internal.gltf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The chunks of a binary glTF: a 12-byte header (magic {@code glTF}, container version 2, total length), the JSON
 * chunk first, then at most one BIN chunk; chunks of other types are skipped as the specification asks. Every length
 * is checked against the bytes there are before a chunk is sliced.
 *
 * @param bin the BIN chunk, or null where the file has none
 */
record Glb(ByteBuffer json, ByteBuffer bin) {

	private static final int MAGIC = 0x46546C67;
	private static final int HEADER = 12;
	private static final int CHUNK_HEADER = 8;
	private static final int JSON_CHUNK = 0x4E4F534A;
	private static final int BIN_CHUNK = 0x004E4942;

	static boolean hasMagic(ByteBuffer file) {
		return file.remaining() >= 4 && file.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(0) == MAGIC;
	}

	static Glb parse(Path file, ByteBuffer data) throws GltfException {
		ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
		long size = b.remaining();
		if (size < HEADER) {
			throw new GltfException(file, "header", "the file has " + size + " bytes, fewer than the 12 of a GLB header");
		}
		if (b.getInt(0) != MAGIC) {
			throw new GltfException(file, "header", "does not start with the GLB magic 'glTF'");
		}
		long version = Integer.toUnsignedLong(b.getInt(4));
		if (version != 2) {
			throw new GltfException(file, "header", "GLB container version " + version + " is not 2");
		}
		long length = Integer.toUnsignedLong(b.getInt(8));
		if (length != size) {
			throw new GltfException(file, "header", "length " + length + " but the file has " + size + " bytes");
		}
		ByteBuffer json = null;
		ByteBuffer bin = null;
		int at = HEADER;
		for (int chunk = 0; at < size; chunk++) {
			String element = "chunks[" + chunk + "]";
			if (size - at < CHUNK_HEADER) {
				throw new GltfException(file, element, (size - at) + " bytes at byte " + at + " are too few for a chunk header");
			}
			long chunkLength = Integer.toUnsignedLong(b.getInt(at));
			int type = b.getInt(at + 4);
			int start = at + CHUNK_HEADER;
			if (chunkLength > size - start) {
				throw new GltfException(file, element, "length " + chunkLength + " at byte " + at + " runs past the end of the file (" + (size - start)
						+ " bytes follow the chunk header)");
			}
			ByteBuffer content = b.slice(start, (int) chunkLength).order(ByteOrder.LITTLE_ENDIAN);
			if (chunk == 0) {
				if (type != JSON_CHUNK) {
					throw new GltfException(file, element, "type 0x" + Integer.toHexString(type) + " is not JSON: a GLB starts with its JSON chunk");
				}
				json = content;
			} else if (type == JSON_CHUNK) {
				throw new GltfException(file, element, "a second JSON chunk");
			} else if (type == BIN_CHUNK) {
				if (chunk != 1) {
					throw new GltfException(file, element, "a BIN chunk must directly follow the JSON chunk");
				}
				bin = content;
			}
			at = start + (int) chunkLength;
		}
		if (json == null) {
			throw new GltfException(file, "chunks[0]", "is missing: a GLB needs a JSON chunk");
		}
		return new Glb(json, bin);
	}
}
