package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.viewport.internal.gltf.TestGltf.Bytes;
import dev.atelier.viewport.scene.Mesh;

/** The containers around the document: .gltf JSON, GLB chunks, buffers from files and data URIs, versions, extensions. */
class GltfContainerTest {

	private static final int JSON = 0x4E4F534A;
	private static final int BIN = 0x004E4942;

	@TempDir
	Path dir;

	/** One triangle of unsigned short positions (18 bytes, padded to 20) for a buffer from wherever {@code buffer} says. */
	private static String triangle(String buffer) {
		return """
				{"asset": {"version": "2.0"}, "buffers": [%s],
				"bufferViews": [{"buffer": 0, "byteLength": 18}],
				"accessors": [{"bufferView": 0, "componentType": 5123, "count": 3, "type": "VEC3"}],
				"meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
				"nodes": [{"mesh": 0}]}""".formatted(buffer);
	}

	private static byte[] triangleBytes() {
		return new Bytes().shorts(0, 0, 0, 1, 0, 0, 0, 1, 0).shorts(0).array();
	}

	/** A GLB of the given chunks (type, content), its header's length the real one. */
	private static byte[] glb(Object... chunks) {
		Bytes body = new Bytes();
		for (int i = 0; i < chunks.length; i += 2) {
			byte[] content = (byte[]) chunks[i + 1];
			body.ints(content.length, (Integer) chunks[i]).raw(content);
		}
		return new Bytes().raw("glTF".getBytes(StandardCharsets.US_ASCII)).ints(2, 12 + body.size()).raw(body.array()).array();
	}

	private static byte[] padded(String json) {
		StringBuilder s = new StringBuilder(json);
		while (s.length() % 4 != 0) {
			s.append(' ');
		}
		return s.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] with(byte[] file, int at, int value) {
		byte[] copy = file.clone();
		ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, value);
		return copy;
	}

	private String glbFailure(byte[] data) {
		return TestGltf.failure(TestGltf.write(dir, "g.glb", data));
	}

	@Test
	void aGlbBufferComesFromItsBinChunkAndUnknownChunksAreSkipped() throws GltfException {
		byte[] file = glb(JSON, padded(triangle("{\"byteLength\": 18}")), BIN, triangleBytes(), 0x41525458, new byte[8]);
		Mesh m = GltfLoader.load(TestGltf.write(dir, "g.glb", file)).meshes().get(0);
		assertEquals(9, m.positions().length);
		assertEquals(1f, m.positions()[3]);
	}

	@Test
	void aGlbHeaderThatDoesNotFitTheFileIsRefused() {
		byte[] good = glb(JSON, padded(triangle("{\"byteLength\": 18}")), BIN, triangleBytes());
		assertEquals("g.glb: header: the file has 8 bytes, fewer than the 12 of a GLB header",
				glbFailure(new Bytes().raw("glTF".getBytes(StandardCharsets.US_ASCII)).ints(2).array()));
		assertEquals("g.glb: header: does not start with the GLB magic 'glTF'", glbFailure(with(good, 0, 0x12345678)));
		assertEquals("g.glb: header: GLB container version 1 is not 2", glbFailure(with(good, 4, 1)));
		assertEquals("g.glb: header: length " + (good.length + 4) + " but the file has " + good.length + " bytes",
				glbFailure(with(good, 8, good.length + 4)));
		assertEquals("g.glb: header: length 4294967295 but the file has " + good.length + " bytes", glbFailure(with(good, 8, -1)));
	}

	@Test
	void aGlbChunkThatDoesNotFitIsRefused() {
		byte[] json = padded(triangle("{\"byteLength\": 18}"));
		byte[] good = glb(JSON, json, BIN, triangleBytes());
		assertEquals("g.glb: chunks[0]: length 4294967295 at byte 12 runs past the end of the file (" + (good.length - 20) + " bytes follow the chunk header)",
				glbFailure(with(good, 12, -1)));
		assertEquals("g.glb: chunks[1]: length " + (triangleBytes().length + 1) + " at byte " + (20 + json.length) + " runs past the end of the file ("
				+ triangleBytes().length + " bytes follow the chunk header)", glbFailure(with(good, 20 + json.length, triangleBytes().length + 1)));
		assertEquals("g.glb: chunks[0]: type 0x4e4942 is not JSON: a GLB starts with its JSON chunk", glbFailure(glb(BIN, triangleBytes())));
		assertEquals("g.glb: chunks[0]: is missing: a GLB needs a JSON chunk", glbFailure(glb()));
		assertEquals("g.glb: chunks[1]: 4 bytes at byte " + (20 + json.length) + " are too few for a chunk header",
				glbFailure(withTail(glb(JSON, json), new byte[4])));
		assertEquals("g.glb: chunks[1]: a second JSON chunk", glbFailure(glb(JSON, json, JSON, json)));
		assertEquals("g.glb: chunks[2]: a BIN chunk must directly follow the JSON chunk", glbFailure(glb(JSON, json, 0x41525458, new byte[4], BIN, triangleBytes())));
	}

	/** {@code file} with {@code tail} appended and the header's length grown to match. */
	private static byte[] withTail(byte[] file, byte[] tail) {
		byte[] out = new Bytes().raw(file).raw(tail).array();
		return with(out, 8, out.length);
	}

	@Test
	void aGlbBufferWithoutABinChunkOrShorterThanItsByteLengthIsRefused() {
		assertEquals("g.glb: buffers[0]: has no uri and the GLB has no BIN chunk", glbFailure(glb(JSON, padded(triangle("{\"byteLength\": 18}")))));
		assertEquals("g.glb: buffers[0]: byteLength 24 but the GLB's BIN chunk has 20 bytes",
				glbFailure(glb(JSON, padded(triangle("{\"byteLength\": 24}")), BIN, triangleBytes())));
	}

	@Test
	void externalBuffersAreFoundByPercentDecodedRelativeUris() throws Exception {
		TestGltf.write(dir, "models/data/my mesh ü.bin", triangleBytes());
		Path file = TestGltf.write(dir.resolve("models"), "x.gltf", triangle("{\"uri\": \"sub/../data/my%20mesh%20%C3%BC.bin\", \"byteLength\": 18}"));
		assertEquals(1f, GltfLoader.load(file).meshes().get(0).positions()[3]);
	}

	@Test
	void aMissingOrShortExternalBufferIsRefused() {
		String missing = TestGltf.failure(TestGltf.write(dir, "x.gltf", triangle("{\"uri\": \"missing.bin\", \"byteLength\": 18}")));
		assertTrue(missing.startsWith("x.gltf: buffers[0].uri: cannot read " + dir), missing);
		assertTrue(missing.endsWith("missing.bin (NoSuchFileException)"), missing);
		TestGltf.write(dir, "short.bin", new byte[12]);
		assertEquals("x.gltf: buffers[0]: byteLength 18 but short.bin has 12 bytes",
				TestGltf.failure(TestGltf.write(dir, "x.gltf", triangle("{\"uri\": \"short.bin\", \"byteLength\": 18}"))));
		assertEquals("x.gltf: buffers[0]: has no uri", TestGltf.failure(TestGltf.write(dir, "x.gltf", triangle("{\"byteLength\": 18}"))));
	}

	@Test
	void aBufferNothingUsesIsNeverRead() throws GltfException {
		String uri = new Bytes().raw(triangleBytes()).dataUri();
		Path file = TestGltf.write(dir, "x.gltf", triangle("{\"uri\": \"" + uri + "\", \"byteLength\": 18}, {\"uri\": \"gone.bin\", \"byteLength\": 4}"));
		assertEquals(1, GltfLoader.load(file).meshes().size());
	}

	@Test
	void aBufferViewPastItsBufferIsRefused() {
		String uri = new Bytes().raw(new byte[16]).dataUri();
		assertEquals("x.gltf: bufferViews[0]: byteOffset 0 + byteLength 18 = 18 runs past the 16 bytes of buffers[0]",
				TestGltf.failure(TestGltf.write(dir, "x.gltf", triangle("{\"uri\": \"" + uri + "\", \"byteLength\": 16}"))));
	}

	@Test
	void urisThatAreNeitherDataNorRelativeAreRefused() {
		String[][] cases = { //
				{ "http://example.com/a.bin", "x.gltf: buffers[0].uri: 'http://example.com/a.bin' is neither a data URI nor a relative path" },
				{ "file:///etc/passwd", "x.gltf: buffers[0].uri: 'file:///etc/passwd' is neither a data URI nor a relative path" },
				{ "data:application/octet-stream,abc", "x.gltf: buffers[0].uri: data URI 'application/octet-stream' is not base64" },
				{ "data:application/octet-stream;base64", "x.gltf: buffers[0].uri: data URI has no ',' before its data" },
				{ "a%2.bin", "x.gltf: buffers[0].uri: 'a%2.bin' has a malformed percent escape" },
				{ "a%ff.bin", "x.gltf: buffers[0].uri: 'a%ff.bin' percent-decodes to bytes that are not UTF-8" } };
		for (String[] c : cases) {
			assertEquals(c[1], TestGltf.failure(TestGltf.write(dir, "x.gltf", triangle("{\"uri\": \"" + c[0] + "\", \"byteLength\": 18}"))), c[0]);
		}
		String base64 = TestGltf.failure(TestGltf.write(dir, "x.gltf", triangle("{\"uri\": \"data:application/octet-stream;base64,@@@@\", \"byteLength\": 18}")));
		assertTrue(base64.startsWith("x.gltf: buffers[0].uri: data URI is not valid base64: "), base64);
	}

	@Test
	void jsonThatIsNotStrictJsonOrNotAnObjectIsRefused() {
		String[][] cases = { //
				{ "[]", "x.gltf: JSON: the top-level value is not an object" },
				{ "{\"asset\": {\"version\": \"2.0\"}} {}", "x.gltf: JSON: more follows the top-level value" },
				{ "", "x.gltf: JSON: the top-level value is not an object" } };
		for (String[] c : cases) {
			assertEquals(c[1], TestGltf.failure(TestGltf.write(dir, "x.gltf", c[0])), c[0]);
		}
		for (String lenient : new String[] { "{'asset': {'version': '2.0'}}", "{\"asset\": {\"version\": \"2.0\"}, }", "{\"asset\": /* c */ {\"version\": \"2.0\"}}",
				"{\"asset\": {\"version\": \"2.0\"}, \"x\": NaN}", "{\"asset\": {\"version\": \"2.0\"}", "[".repeat(100_000) }) {
			String message = TestGltf.failure(TestGltf.write(dir, "x.gltf", lenient));
			assertTrue(message.startsWith("x.gltf: JSON: "), message);
			assertTrue(!message.contains("\n"), message);
		}
		assertEquals("x.gltf: JSON: is not valid UTF-8",
				TestGltf.failure(TestGltf.write(dir, "x.gltf", new Bytes().raw("{\"asset\": \"".getBytes(StandardCharsets.UTF_8)).bytes(0xC3, 0x28, '"', '}').array())));
	}

	@Test
	void aByteOrderMarkIsSkipped() throws GltfException {
		Path file = TestGltf.write(dir, "x.gltf", new Bytes().bytes(0xEF, 0xBB, 0xBF).raw("{\"asset\": {\"version\": \"2.0\"}}".getBytes(StandardCharsets.UTF_8)).array());
		assertEquals(0, GltfLoader.load(file).meshes().size());
	}

	@Test
	void onlyGltf2IsRead() throws GltfException {
		String[][] cases = { //
				{ "{}", "x.gltf: asset: is missing" },
				{ "{\"asset\": {}}", "x.gltf: asset.version: is missing" },
				{ "{\"asset\": {\"version\": 2}}", "x.gltf: asset.version: is a number, not a string" },
				{ "{\"asset\": {\"version\": \"1.0\"}}", "x.gltf: asset.version: '1.0' is not glTF 2.x" },
				{ "{\"asset\": {\"version\": \"2\"}}", "x.gltf: asset.version: '2' is not glTF 2.x" },
				{ "{\"asset\": {\"version\": \"2.1\", \"minVersion\": \"2.1\"}}", "x.gltf: asset.minVersion: '2.1' is not glTF 2.0, the version this loader reads" },
				{ "{\"asset\": \"2.0\"}", "x.gltf: asset: is a string, not an object" } };
		for (String[] c : cases) {
			assertEquals(c[1], TestGltf.failure(TestGltf.write(dir, "x.gltf", c[0])), c[0]);
		}
		GltfLoader.load(TestGltf.write(dir, "x.gltf", "{\"asset\": {\"version\": \"2.1\", \"minVersion\": \"2.0\"}}"));
	}

	@Test
	void aRequiredExtensionTheLoaderLacksIsRefusedByName() {
		assertEquals("x.gltf: extensionsRequired[1]: extension 'KHR_draco_mesh_compression' is required but not supported"
				+ " (supported: KHR_lights_punctual, KHR_materials_emissive_strength, KHR_mesh_quantization)",
				TestGltf.failure(TestGltf.write(dir, "x.gltf",
						"{\"asset\": {\"version\": \"2.0\"}, \"extensionsRequired\": [\"KHR_mesh_quantization\", \"KHR_draco_mesh_compression\"]}")));
	}

	@Test
	void aFileThatCannotBeReadIsRefusedByName() throws Exception {
		assertEquals("nope.gltf: file: cannot be read (NoSuchFileException)", TestGltf.failure(dir.resolve("nope.gltf")));
		assertEquals("sub: file: is not a regular file", TestGltf.failure(TestGltf.write(dir, "sub/x", "").getParent()));
		Path fifo = dir.resolve("pipe.bin");
		assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
		assertEquals("x.gltf: buffers[0].uri: cannot read " + fifo + " (" + fifo + ": not a regular file (a FIFO, socket or device))",
				TestGltf.failure(TestGltf.write(dir, "x.gltf", triangle("{\"uri\": \"pipe.bin\", \"byteLength\": 18}"))));
	}

	@Test
	void urisOutsideTheGltfsFolderAreRefusedNamingTheFileAndTheUri() throws Exception {
		Path models = Files.createDirectories(dir.resolve("models"));
		TestGltf.write(dir, "secret.bin", triangleBytes());
		Files.createSymbolicLink(models.resolve("link.bin"), dir.resolve("secret.bin"));
		for (String uri : new String[] { "/etc/passwd", "../secret.bin", "sub/../../secret.bin", "%2E%2E/secret.bin", "link.bin" }) {
			String failure = TestGltf.failure(TestGltf.write(models, "x.gltf", triangle("{\"uri\": \"" + uri + "\", \"byteLength\": 18}")));
			assertEquals("x.gltf: buffers[0].uri: '" + uri + "' lies outside " + models
					+ ", the glTF's folder: only files under it, or data: URIs, are read", failure, uri);
		}
	}
}
