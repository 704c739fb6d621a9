package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.viewport.internal.gltf.TestGltf.Bytes;
import dev.atelier.viewport.internal.gltf.TestGltf.Loaded;
import dev.atelier.viewport.scene.Mesh;

/** Mesh primitives: topologies, indices, optional attributes, and what is wrong with them. */
class PrimitivesTest {

	private static final float EPS = 1e-6f;

	@TempDir
	Path dir;

	/** Five vertices zig-zagging up the XY plane, normals +Z: positions at byte 0, normals at 60, then 8 spare bytes. */
	private static Bytes zigzag() {
		return new Bytes().floats(0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 2, 0).floats(0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1);
	}

	/** A file of one node placing one mesh of {@code primitive}, over the zigzag and {@code extra} bytes after it at byte 120. */
	private Path file(Bytes extra, String primitive, String moreViewsAndAccessors) {
		Bytes data = zigzag().raw(extra.array());
		return TestGltf.gltf(dir, "m.gltf", data, """
				"nodes": [{"mesh": 0}],
				"meshes": [{"primitives": [%s]}],
				"bufferViews": [
					{"buffer": 0, "byteOffset": 0, "byteLength": 60},
					{"buffer": 0, "byteOffset": 60, "byteLength": 60}%s
				],
				"accessors": [
					{"bufferView": 0, "componentType": 5126, "count": 5, "type": "VEC3"},
					{"bufferView": 1, "componentType": 5126, "count": 5, "type": "VEC3"}%s
				]""".formatted(primitive, extra.size() > 0 ? ",\n{\"buffer\": 0, \"byteOffset\": 120, \"byteLength\": " + extra.size() + "}" : "",
				moreViewsAndAccessors));
	}

	private Mesh onlyMesh(Path file) throws GltfException {
		List<Mesh> meshes = GltfLoader.load(file).meshes();
		assertEquals(1, meshes.size());
		return meshes.get(0);
	}

	@Test
	void aTriangleStripBecomesTrianglesThatAllFaceTheSameWay() throws GltfException {
		Mesh m = onlyMesh(file(new Bytes(), "{\"attributes\": {\"POSITION\": 0, \"NORMAL\": 1}, \"mode\": 5}", ""));
		assertArrayEquals(new int[] { 0, 1, 2, 1, 3, 2, 2, 3, 4 }, m.indices());
		float[] p = m.positions();
		for (int t = 0; t < 9; t += 3) {
			int a = 3 * m.indices()[t], b = 3 * m.indices()[t + 1], c = 3 * m.indices()[t + 2];
			float z = (p[b] - p[a]) * (p[c + 1] - p[a + 1]) - (p[b + 1] - p[a + 1]) * (p[c] - p[a]);
			assertEquals(1, Math.signum(z), "triangle " + t / 3 + " counter-clockwise seen from +Z");
		}
	}

	@Test
	void aTriangleFanTurnsAroundItsFirstVertex() throws GltfException {
		Mesh m = onlyMesh(file(new Bytes().ints(0, 1, 3, 4), "{\"attributes\": {\"POSITION\": 0, \"NORMAL\": 1}, \"indices\": 2, \"mode\": 6}",
				",\n{\"bufferView\": 2, \"componentType\": 5125, \"count\": 4, \"type\": \"SCALAR\"}"));
		assertArrayEquals(new int[] { 1, 3, 0, 3, 4, 0 }, m.indices(), "unsigned int indices 0 1 3 4 as a fan");
	}

	@Test
	void unsignedByteIndicesSelectVertices() throws GltfException {
		Mesh m = onlyMesh(file(new Bytes().bytes(4, 2, 3, 0), "{\"attributes\": {\"POSITION\": 0, \"NORMAL\": 1}, \"indices\": 2}",
				",\n{\"bufferView\": 2, \"componentType\": 5121, \"count\": 3, \"type\": \"SCALAR\"}"));
		assertArrayEquals(new int[] { 4, 2, 3 }, m.indices());
		assertArrayEquals(new float[] { 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 2, 0 }, m.positions(), "every vertex kept, in order");
	}

	@Test
	void withoutNormalsEachTriangleGetsItsOwnVerticesAndFaceNormalAndTangentsAreIgnored() throws GltfException {
		// Two triangles sharing an edge; TEXCOORD_0 is the positions' xy, TANGENT (from the normals' bytes) must go.
		Bytes uv = new Bytes().floats(0, 0, 1, 0, 0, 1, 1, 1, 0, 2).shorts(0, 1, 2, 1, 3, 2);
		Mesh m = onlyMesh(file(uv, "{\"attributes\": {\"POSITION\": 0, \"TEXCOORD_0\": 2, \"TANGENT\": 3}, \"indices\": 4}", """
				,
				{"bufferView": 2, "componentType": 5126, "count": 5, "type": "VEC2"},
				{"bufferView": 1, "componentType": 5126, "count": 3, "type": "VEC4"},
				{"bufferView": 2, "byteOffset": 40, "componentType": 5123, "count": 6, "type": "SCALAR"}"""));
		assertArrayEquals(new float[] { 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0 }, m.positions());
		assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1 }, m.texcoords());
		for (int v = 0; v < 6; v++) {
			assertArrayEquals(new float[] { 0, 0, 1 }, new float[] { m.normals()[3 * v], m.normals()[3 * v + 1], m.normals()[3 * v + 2] }, EPS);
		}
		assertArrayEquals(new int[] { 0, 1, 2, 3, 4, 5 }, m.indices());
		assertNull(m.tangents());
	}

	@Test
	void quantizedPositionsAreNormalized() throws GltfException {
		Bytes shorts = new Bytes().shorts(0, 0, 0, 32767, 0, 0, 0, -32767, 0).shorts(0, 0, 0);
		Path f = file(shorts, "{\"attributes\": {\"POSITION\": 2}}", ",\n{\"bufferView\": 2, \"componentType\": 5122, \"count\": 3, \"type\": \"VEC3\", \"normalized\": true}");
		Mesh m = onlyMesh(f);
		assertArrayEquals(new float[] { 0, 0, 0, 1, 0, 0, 0, -1, 0 }, m.positions());
		assertArrayEquals(new float[] { 0, 0, -1, 0, 0, -1, 0, 0, -1 }, m.normals(), EPS, "clockwise seen from +Z: its face looks down −Z");
	}

	@Test
	void pointsLinesAndPrimitivesWithoutPositionsOrTrianglesAreSkippedWithANote() throws GltfException {
		Loaded loaded = TestGltf.load(file(new Bytes(), """
				{"attributes": {"POSITION": 0}, "mode": 0},
				{"attributes": {"POSITION": 0}, "mode": 3},
				{"attributes": {"NORMAL": 1}},
				{"attributes": {"POSITION": 0}, "indices": 2, "mode": 5}""",
				",\n{\"componentType\": 5123, \"count\": 2, \"type\": \"SCALAR\"}"));
		assertEquals(List.of(), loaded.scene().meshes());
		assertEquals(List.of("m.gltf: meshes[0].primitives[0]: mode POINTS is skipped: the scene holds triangles only",
				"m.gltf: meshes[0].primitives[1]: mode LINE_STRIP is skipped: the scene holds triangles only",
				"m.gltf: meshes[0].primitives[2]: has no POSITION and is skipped", "m.gltf: meshes[0].primitives[3]: has no triangles and is skipped"),
				loaded.notes());
	}

	@Test
	void anIndexPastTheVerticesIsRefused() {
		assertEquals("m.gltf: meshes[0].primitives[0].indices: index 5 (element 2 of accessors[2]) is past the 5 vertices",
				TestGltf.failure(file(new Bytes().bytes(0, 1, 5, 0), "{\"attributes\": {\"POSITION\": 0}, \"indices\": 2}",
						",\n{\"bufferView\": 2, \"componentType\": 5121, \"count\": 3, \"type\": \"SCALAR\"}")));
	}

	@Test
	void indicesThatAreNotScalarUnsignedIntegersAreRefused() {
		assertEquals("m.gltf: meshes[0].primitives[0].indices: accessors[1] is VEC3 float, not scalar unsigned integers",
				TestGltf.failure(file(new Bytes(), "{\"attributes\": {\"POSITION\": 0}, \"indices\": 1}", "")));
	}

	@Test
	void attributesOfTheWrongTypeOrCountAreRefused() {
		assertEquals("m.gltf: meshes[0].primitives[0].attributes.NORMAL: accessors[2] has 4 elements but POSITION has 5",
				TestGltf.failure(file(new Bytes(), "{\"attributes\": {\"POSITION\": 0, \"NORMAL\": 2}}",
						",\n{\"bufferView\": 1, \"componentType\": 5126, \"count\": 4, \"type\": \"VEC3\"}")));
		assertEquals("m.gltf: meshes[0].primitives[0].attributes.TEXCOORD_0: accessors[1] is VEC3 float, not VEC2",
				TestGltf.failure(file(new Bytes(), "{\"attributes\": {\"POSITION\": 0, \"TEXCOORD_0\": 1}}", "")));
		assertEquals("m.gltf: meshes[0].primitives[0].attributes.POSITION: refers to accessors[9] but the file has 2 accessors",
				TestGltf.failure(file(new Bytes(), "{\"attributes\": {\"POSITION\": 9}}", "")));
	}

	@Test
	void trianglesThatDoNotComeOutWholeAreRefused() {
		assertEquals("m.gltf: meshes[0].primitives[0]: 5 vertices do not make whole triangles",
				TestGltf.failure(file(new Bytes(), "{\"attributes\": {\"POSITION\": 0}}", "")));
	}

	@Test
	void anUnknownModeOrMaterialIsRefused() {
		assertEquals("m.gltf: meshes[0].primitives[0].mode: 7 is more than 6",
				TestGltf.failure(file(new Bytes(), "{\"attributes\": {\"POSITION\": 0}, \"mode\": 7}", "")));
		assertEquals("m.gltf: meshes[0].primitives[0].material: refers to materials[3] but the file has 0 materials",
				TestGltf.failure(file(new Bytes(), "{\"attributes\": {\"POSITION\": 0}, \"mode\": 5, \"material\": 3}", "")));
		assertEquals("m.gltf: meshes[0].primitives[0].attributes: is missing", TestGltf.failure(file(new Bytes(), "{\"mode\": 5}", "")));
	}
}
