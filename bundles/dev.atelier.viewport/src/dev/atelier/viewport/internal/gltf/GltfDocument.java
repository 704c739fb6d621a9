package dev.atelier.viewport.internal.gltf;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * A glTF 2.0 document as read from disk: the JSON of a {@code .gltf} or of a {@code .glb}'s JSON chunk, checked for a
 * 2.x asset version and for required extensions the loader lacks, and its buffers, read on first use and sliced into
 * buffer views with every offset and length checked against the bytes there are.
 *
 * <p>The JSON is parsed by Gson, which the bundle already imports, in strict mode (RFC 8259, with Gson's nesting
 * limit) into a plain tree; checking it and building the scene are this package's own, so that every message can
 * name the element at fault. JglTF was not taken: it would bring jackson-databind and its generated glTF 1 and 2 model
 * classes into a target platform that has none of them, only to be converted once more into the Scene, and the
 * checks with element paths in their messages would still have to be written here.
 */
public final class GltfDocument {

	/** Extensions the loader implements; any other in {@code extensionsRequired} refuses the file. */
	static final Set<String> SUPPORTED_EXTENSIONS = Set.of("KHR_lights_punctual", "KHR_materials_emissive_strength", "KHR_mesh_quantization");
	private static final int MAX_MESSAGE = 160;
	private static final Pattern VERSION = Pattern.compile("(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)");

	/** A buffer view's bytes (little-endian) and its byteStride, 0 where elements are tightly packed. */
	record BufferView(ByteBuffer data, int byteStride) {
	}

	private final Path file;
	private final JsonObject json;
	private final Json root;
	private final boolean glb;
	private final ByteBuffer glbBin;
	private final ByteBuffer[] buffers;

	private GltfDocument(Path file, JsonObject json, boolean glb, ByteBuffer glbBin) throws GltfException {
		this.file = file;
		this.json = json;
		this.root = Json.root(file, json);
		this.glb = glb;
		this.glbBin = glbBin;
		this.buffers = new ByteBuffer[root.get("buffers").size()];
	}

	/** Reads a {@code .gltf} or {@code .glb} (told apart by the GLB magic) and checks its asset and required extensions. */
	public static GltfDocument read(Path file) throws GltfException {
		ByteBuffer bytes = readFile(file);
		GltfDocument doc;
		if (Glb.hasMagic(bytes)) {
			Glb glb = Glb.parse(file, bytes);
			doc = new GltfDocument(file, parse(file, glb.json()), true, glb.bin());
		} else if (file.toString().toLowerCase().endsWith(".glb")) {
			throw new GltfException(file, "header", "does not start with the GLB magic 'glTF'");
		} else {
			doc = new GltfDocument(file, parse(file, bytes), false, null);
		}
		doc.checkAsset();
		doc.checkRequiredExtensions();
		return doc;
	}

	public Path file() {
		return file;
	}

	/** A copy of the document's JSON. */
	public JsonObject json() {
		return json.deepCopy();
	}

	public int bufferCount() {
		return buffers.length;
	}

	/** Buffer {@code index}: exactly its byteLength bytes, read-only and little-endian. */
	public ByteBuffer buffer(int index) throws GltfException {
		Objects.checkIndex(index, buffers.length);
		if (buffers[index] == null) {
			buffers[index] = load(root.get("buffers").element(index), index);
		}
		return buffers[index].duplicate().order(ByteOrder.LITTLE_ENDIAN);
	}

	Json root() {
		return root;
	}

	/** The folder relative URIs are resolved against. */
	Path directory() {
		Path parent = file.toAbsolutePath().getParent();
		return parent == null ? file.toAbsolutePath() : parent;
	}

	/** Buffer view {@code index} (already checked to exist) with its range checked against its buffer. */
	BufferView bufferView(int index) throws GltfException {
		Json view = root.get("bufferViews").element(index);
		int buffer = view.get("buffer").asIndex(buffers.length, "buffers");
		long offset = view.longInteger("byteOffset", 0, Uris.MAX_BYTES, 0);
		long length = view.get("byteLength").asLong(1, Uris.MAX_BYTES);
		int stride = view.integer("byteStride", 4, 252, 0);
		ByteBuffer data = buffer(buffer);
		if (offset + length > data.capacity()) {
			throw view.error("byteOffset " + offset + " + byteLength " + length + " = " + (offset + length) + " runs past the " + data.capacity()
					+ " bytes of buffers[" + buffer + "]");
		}
		return new BufferView(data.slice((int) offset, (int) length).order(ByteOrder.LITTLE_ENDIAN), stride);
	}

	private ByteBuffer load(Json buffer, int index) throws GltfException {
		long byteLength = buffer.get("byteLength").asLong(1, Uris.MAX_BYTES);
		Json uri = buffer.get("uri");
		ByteBuffer data;
		String source;
		if (uri.present()) {
			data = Uris.read(uri, directory());
			String name = Uris.fileName(uri);
			source = name == null ? "its data URI" : name;
		} else if (index == 0 && glbBin != null) {
			data = glbBin;
			source = "the GLB's BIN chunk";
		} else if (index == 0 && glb) {
			throw buffer.error("has no uri and the GLB has no BIN chunk");
		} else {
			throw buffer.error("has no uri");
		}
		if (data.remaining() < byteLength) {
			throw buffer.error("byteLength " + byteLength + " but " + source + " has " + data.remaining() + " bytes");
		}
		return data.slice(0, (int) byteLength).asReadOnlyBuffer();
	}

	private void checkAsset() throws GltfException {
		Json asset = root.get("asset").required();
		Json version = asset.get("version");
		Matcher m = VERSION.matcher(version.asString());
		if (!m.matches() || !m.group(1).equals("2")) {
			throw version.error("'" + version.asString() + "' is not glTF 2.x");
		}
		Json min = asset.get("minVersion");
		if (min.present()) {
			Matcher n = VERSION.matcher(min.asString());
			if (!n.matches() || !n.group(1).equals("2") || !n.group(2).equals("0")) {
				throw min.error("'" + min.asString() + "' is not glTF 2.0, the version this loader reads");
			}
		}
	}

	private void checkRequiredExtensions() throws GltfException {
		for (Json ext : root.get("extensionsRequired").elements()) {
			if (!SUPPORTED_EXTENSIONS.contains(ext.asString())) {
				throw ext.error("extension '" + ext.asString() + "' is required but not supported (supported: " + String.join(", ",
						SUPPORTED_EXTENSIONS.stream().sorted().toList()) + ")");
			}
		}
	}

	private static ByteBuffer readFile(Path file) throws GltfException {
		if (!Files.isRegularFile(file) && Files.exists(file)) {
			throw new GltfException(file, "file", "is not a regular file");
		}
		long size;
		try {
			size = Files.size(file);
			if (size <= Uris.MAX_BYTES) {
				return ByteBuffer.wrap(Files.readAllBytes(file));
			}
		} catch (IOException e) {
			throw new GltfException(file, "file", "cannot be read (" + e.getClass().getSimpleName() + ")", e);
		}
		throw new GltfException(file, "file", size + " bytes are more than the loader reads into memory");
	}

	private static JsonObject parse(Path file, ByteBuffer utf8) throws GltfException {
		ByteBuffer text = utf8.duplicate();
		// RFC 8259 lets parsers ignore a byte order mark, and some editors write one.
		if (text.remaining() >= 3 && text.get(text.position()) == (byte) 0xEF && text.get(text.position() + 1) == (byte) 0xBB
				&& text.get(text.position() + 2) == (byte) 0xBF) {
			text.position(text.position() + 3);
		}
		JsonElement root;
		JsonReader reader;
		try {
			reader = new JsonReader(new StringReader(StandardCharsets.UTF_8.newDecoder().decode(text).toString()));
			reader.setStrictness(Strictness.STRICT);
			root = JsonParser.parseReader(reader);
		} catch (CharacterCodingException e) {
			throw new GltfException(file, "JSON", "is not valid UTF-8", e);
		} catch (JsonParseException e) {
			Throwable cause = e.getCause() != null ? e.getCause() : e;
			throw new GltfException(file, "JSON", describe(cause.getMessage()), e);
		}
		if (!atEnd(reader)) {
			throw new GltfException(file, "JSON", "more follows the top-level value");
		}
		if (!root.isJsonObject()) {
			throw new GltfException(file, "JSON", "the top-level value is not an object");
		}
		return root.getAsJsonObject();
	}

	/** Whether nothing but whitespace follows; a strict reader refuses a second value as malformed. */
	private static boolean atEnd(JsonReader reader) {
		try {
			return reader.peek() == JsonToken.END_DOCUMENT;
		} catch (IOException e) {
			return false;
		}
	}

	/**
	 * Gson's message for malformed JSON without its advice to programmers (be lenient, read the guide) and with the
	 * JSON path cut short: deep nesting would make it thousands of characters.
	 */
	private static String describe(String message) {
		if (message == null) {
			return "malformed";
		}
		int nl = message.indexOf('\n');
		String line = (nl < 0 ? message : message.substring(0, nl)).replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON",
				"malformed");
		return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "…";
	}
}
