package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.viewport.internal.gltf.TestGltf.Bytes;

class AccessorsTest {

	@TempDir
	Path dir;

	/** The accessors of a document with one embedded buffer of {@code data} and the given JSON members. */
	private Accessors accessors(Bytes data, String members) throws GltfException {
		return new Accessors(GltfDocument.read(TestGltf.gltf(dir, "a.gltf", data, members)));
	}

	private float[] floats(Bytes data, String members, int accessor) throws GltfException {
		Accessors a = accessors(data, members);
		return a.floats(a.accessor(accessor));
	}

	private String failure(Bytes data, String members) throws GltfException {
		Accessors a = accessors(data, members);
		return assertThrows(GltfException.class, () -> a.floats(a.accessor(0))).getMessage();
	}

	/** Four scalars of every component type: byte, unsigned byte, short, unsigned short, unsigned int, float. */
	private static Bytes everyComponentType() {
		return new Bytes().bytes(-128, -1, 0, 127).bytes(0, 1, 128, 255).shorts(-32768, -1, 0, 32767).shorts(0, 1, 32768, 65535)
				.ints(0, 1, 2147483648L, 4294967295L).floats(-1.5f, 0, 0.25f, 3.4e38f);
	}

	private static String scalars(boolean normalized) {
		String n = normalized ? ", \"normalized\": true" : "";
		return """
				"bufferViews": [{"buffer": 0, "byteLength": 56}],
				"accessors": [
					{"bufferView": 0, "byteOffset": 0, "componentType": 5120, "count": 4, "type": "SCALAR"%1$s},
					{"bufferView": 0, "byteOffset": 4, "componentType": 5121, "count": 4, "type": "SCALAR"%1$s},
					{"bufferView": 0, "byteOffset": 8, "componentType": 5122, "count": 4, "type": "SCALAR"%1$s},
					{"bufferView": 0, "byteOffset": 16, "componentType": 5123, "count": 4, "type": "SCALAR"%1$s},
					{"bufferView": 0, "byteOffset": 24, "componentType": 5125, "count": 4, "type": "SCALAR"},
					{"bufferView": 0, "byteOffset": 40, "componentType": 5126, "count": 4, "type": "SCALAR"}
				]""".formatted(n);
	}

	@Test
	void everyComponentTypeIsReadAsStored() throws GltfException {
		Accessors a = accessors(everyComponentType(), scalars(false));
		assertArrayEquals(new float[] { -128, -1, 0, 127 }, a.floats(a.accessor(0)), "byte");
		assertArrayEquals(new float[] { 0, 1, 128, 255 }, a.floats(a.accessor(1)), "unsigned byte");
		assertArrayEquals(new float[] { -32768, -1, 0, 32767 }, a.floats(a.accessor(2)), "short");
		assertArrayEquals(new float[] { 0, 1, 32768, 65535 }, a.floats(a.accessor(3)), "unsigned short");
		assertArrayEquals(new float[] { 0, 1, 2147483648f, 4294967295f }, a.floats(a.accessor(4)), "unsigned int");
		assertArrayEquals(new float[] { -1.5f, 0, 0.25f, 3.4e38f }, a.floats(a.accessor(5)), "float");
	}

	@Test
	void normalizedIntegersMapToTheUnitRangeWithTheMostNegativeValueClampedToMinusOne() throws GltfException {
		Accessors a = accessors(everyComponentType(), scalars(true));
		assertArrayEquals(new float[] { -1, (float) (-1.0 / 127), 0, 1 }, a.floats(a.accessor(0)), "byte");
		assertArrayEquals(new float[] { 0, (float) (1.0 / 255), (float) (128.0 / 255), 1 }, a.floats(a.accessor(1)), "unsigned byte");
		assertArrayEquals(new float[] { -1, (float) (-1.0 / 32767), 0, 1 }, a.floats(a.accessor(2)), "short");
		assertArrayEquals(new float[] { 0, (float) (1.0 / 65535), (float) (32768.0 / 65535), 1 }, a.floats(a.accessor(3)), "unsigned short");
	}

	@Test
	void normalizedFloatsAndUnsignedIntsAreRefused() throws GltfException {
		Accessors a = accessors(new Bytes().floats(1), """
				"bufferViews": [{"buffer": 0, "byteLength": 4}],
				"accessors": [
					{"bufferView": 0, "componentType": 5126, "count": 1, "type": "SCALAR", "normalized": true},
					{"bufferView": 0, "componentType": 5125, "count": 1, "type": "SCALAR", "normalized": true}
				]""");
		assertEquals("a.gltf: accessors[0].normalized: is true but float components cannot be normalized",
				assertThrows(GltfException.class, () -> a.accessor(0)).getMessage());
		assertEquals("a.gltf: accessors[1].normalized: is true but unsigned int components cannot be normalized",
				assertThrows(GltfException.class, () -> a.accessor(1)).getMessage());
	}

	@Test
	void everyTypeHasItsComponentsInOrder() throws GltfException {
		Bytes data = new Bytes().floats(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
		Accessors a = accessors(data, """
				"bufferViews": [{"buffer": 0, "byteLength": 64}],
				"accessors": [
					{"bufferView": 0, "componentType": 5126, "count": 2, "type": "VEC2"},
					{"bufferView": 0, "componentType": 5126, "count": 2, "type": "VEC3"},
					{"bufferView": 0, "componentType": 5126, "count": 2, "type": "VEC4"},
					{"bufferView": 0, "componentType": 5126, "count": 2, "type": "MAT2"},
					{"bufferView": 0, "componentType": 5126, "count": 1, "type": "MAT3"},
					{"bufferView": 0, "componentType": 5126, "count": 1, "type": "MAT4"}
				]""");
		assertArrayEquals(new float[] { 1, 2, 3, 4 }, a.floats(a.accessor(0)));
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6 }, a.floats(a.accessor(1)));
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, a.floats(a.accessor(2)));
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, a.floats(a.accessor(3)));
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, a.floats(a.accessor(4)));
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 }, a.floats(a.accessor(5)));
	}

	@Test
	void matrixColumnsOfOneAndTwoByteComponentsStartOnFourByteBoundaries() throws GltfException {
		int x = 99; // padding, which must not be read
		Bytes data = new Bytes().bytes(1, 2, x, x, 3, 4, x, x, 5, 6, x, x, 7, 8).bytes(x, x) // MAT2 unsigned byte, 2 elements, last padding left out
				.bytes(1, 2, 3, x, -4, 5, 6, x, 7, 8, -9, x) // MAT3 byte
				.shorts(1, 2, 3, x, 4, 5, 6, x, 7, 8, 9, x) // MAT3 short
				.shorts(1, 2, 3, 4) // MAT2 short: 4-byte columns, no padding
				.bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16); // MAT4 unsigned byte: no padding
		Accessors a = accessors(data, """
				"bufferViews": [
					{"buffer": 0, "byteOffset": 0, "byteLength": 14},
					{"buffer": 0, "byteOffset": 16, "byteLength": 12},
					{"buffer": 0, "byteOffset": 28, "byteLength": 24},
					{"buffer": 0, "byteOffset": 52, "byteLength": 8},
					{"buffer": 0, "byteOffset": 60, "byteLength": 16}
				],
				"accessors": [
					{"bufferView": 0, "componentType": 5121, "count": 2, "type": "MAT2"},
					{"bufferView": 1, "componentType": 5120, "count": 1, "type": "MAT3"},
					{"bufferView": 2, "componentType": 5122, "count": 1, "type": "MAT3"},
					{"bufferView": 3, "componentType": 5122, "count": 1, "type": "MAT2"},
					{"bufferView": 4, "componentType": 5121, "count": 1, "type": "MAT4", "normalized": true}
				]""");
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, a.floats(a.accessor(0)), "MAT2 of unsigned bytes");
		assertArrayEquals(new float[] { 1, 2, 3, -4, 5, 6, 7, 8, -9 }, a.floats(a.accessor(1)), "MAT3 of bytes");
		assertArrayEquals(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, a.floats(a.accessor(2)), "MAT3 of shorts");
		assertArrayEquals(new float[] { 1, 2, 3, 4 }, a.floats(a.accessor(3)), "MAT2 of shorts");
		float[] mat4 = a.floats(a.accessor(4));
		for (int i = 0; i < 16; i++) {
			assertEquals((float) ((i + 1) / 255.0), mat4[i], "MAT4 of normalized unsigned bytes, component " + i);
		}
	}

	@Test
	void byteStrideInterleavesAttributes() throws GltfException {
		Bytes data = new Bytes().floats(1, 2, 3, 4, 5).floats(6, 7, 8, 9, 10);
		String members = """
				"bufferViews": [{"buffer": 0, "byteLength": 40, "byteStride": 20}],
				"accessors": [
					{"bufferView": 0, "byteOffset": 0, "componentType": 5126, "count": 2, "type": "VEC3"},
					{"bufferView": 0, "byteOffset": 12, "componentType": 5126, "count": 2, "type": "VEC2"}
				]""";
		assertArrayEquals(new float[] { 1, 2, 3, 6, 7, 8 }, floats(data, members, 0));
		assertArrayEquals(new float[] { 4, 5, 9, 10 }, floats(data, members, 1));
	}

	@Test
	void anAccessorWithoutABufferViewIsZeros() throws GltfException {
		assertArrayEquals(new float[6], floats(new Bytes().floats(1), """
				"accessors": [{"componentType": 5126, "count": 3, "type": "VEC2"}]""", 0));
	}

	@Test
	void sparseValuesReplaceTheElementsTheirIndicesName() throws GltfException {
		Bytes data = new Bytes().floats(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11) // 0: base, 4 × VEC3
				.floats(-1, -2, -3, -4, -5, -6) // 48: values
				.bytes(1, 3).shorts(1, 3).ints(1, 3); // 72: indices of each type
		String members = """
				"bufferViews": [
					{"buffer": 0, "byteOffset": 0, "byteLength": 48},
					{"buffer": 0, "byteOffset": 48, "byteLength": 24},
					{"buffer": 0, "byteOffset": 72, "byteLength": 14}
				],
				"accessors": [
					{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
						"sparse": {"count": 2, "indices": {"bufferView": 2, "componentType": 5121}, "values": {"bufferView": 1}}},
					{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
						"sparse": {"count": 2, "indices": {"bufferView": 2, "byteOffset": 2, "componentType": 5123}, "values": {"bufferView": 1}}},
					{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
						"sparse": {"count": 2, "indices": {"bufferView": 2, "byteOffset": 6, "componentType": 5125}, "values": {"bufferView": 1}}},
					{"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
						"sparse": {"count": 1, "indices": {"bufferView": 2, "byteOffset": 1, "componentType": 5121}, "values": {"bufferView": 1, "byteOffset": 12}}}
				]""";
		float[] expected = { 0, 1, 2, -1, -2, -3, 6, 7, 8, -4, -5, -6 };
		assertArrayEquals(expected, floats(data, members, 0), "unsigned byte indices");
		assertArrayEquals(expected, floats(data, members, 1), "unsigned short indices");
		assertArrayEquals(expected, floats(data, members, 2), "unsigned int indices");
		assertArrayEquals(new float[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, -4, -5, -6 }, floats(data, members, 3), "values from a byteOffset");
	}

	@Test
	void sparseValuesWithoutABaseBufferViewReplaceZeros() throws GltfException {
		assertArrayEquals(new float[] { 0, 0, 7.5f, 0 }, floats(new Bytes().floats(7.5f).bytes(2), """
				"bufferViews": [{"buffer": 0, "byteLength": 4}, {"buffer": 0, "byteOffset": 4, "byteLength": 1}],
				"accessors": [{"componentType": 5126, "count": 4, "type": "SCALAR",
					"sparse": {"count": 1, "indices": {"bufferView": 1, "componentType": 5121}, "values": {"bufferView": 0}}}]""", 0));
	}

	@Test
	void sparseIndicesThatDoNotIncreaseOrPassTheCountAreRefused() throws GltfException {
		String sparse = """
				"bufferViews": [{"buffer": 0, "byteLength": 8}, {"buffer": 0, "byteOffset": 8, "byteLength": 2}],
				"accessors": [{"componentType": 5126, "count": 4, "type": "SCALAR",
					"sparse": {"count": 2, "indices": {"bufferView": 1, "componentType": 5121}, "values": {"bufferView": 0}}}]""";
		assertEquals("a.gltf: accessors[0].sparse.indices: index 1 (sparse element 1) does not follow 3: sparse indices increase strictly",
				failure(new Bytes().floats(1, 2).bytes(3, 1), sparse));
		assertEquals("a.gltf: accessors[0].sparse.indices: index 4 (sparse element 1) is past the accessor's 4 elements",
				failure(new Bytes().floats(1, 2).bytes(0, 4), sparse));
	}

	@Test
	void sparsePartsPastTheirBufferViewsAreRefused() throws GltfException {
		assertEquals("a.gltf: accessors[0].sparse.values: 2 × VEC3 float at byteOffset 0 need 24 bytes but bufferViews[0] has 12",
				failure(new Bytes().floats(1, 2, 3).bytes(0, 1), """
						"bufferViews": [{"buffer": 0, "byteLength": 12}, {"buffer": 0, "byteOffset": 12, "byteLength": 2}],
						"accessors": [{"componentType": 5126, "count": 4, "type": "VEC3",
							"sparse": {"count": 2, "indices": {"bufferView": 1, "componentType": 5121}, "values": {"bufferView": 0}}}]"""));
		assertEquals("a.gltf: accessors[0].sparse.indices: 2 indices at byteOffset 1 need 4 bytes but bufferViews[1] has 4",
				failure(new Bytes().floats(1, 2).shorts(0, 1), """
						"bufferViews": [{"buffer": 0, "byteLength": 8}, {"buffer": 0, "byteOffset": 8, "byteLength": 4}],
						"accessors": [{"componentType": 5126, "count": 4, "type": "SCALAR",
							"sparse": {"count": 2, "indices": {"bufferView": 1, "byteOffset": 1, "componentType": 5123}, "values": {"bufferView": 0}}}]"""));
		assertEquals("a.gltf: accessors[0].sparse.indices.componentType: float is not an index type (unsigned byte, short or int)",
				failure(new Bytes().floats(1), """
						"bufferViews": [{"buffer": 0, "byteLength": 4}],
						"accessors": [{"componentType": 5126, "count": 4, "type": "SCALAR",
							"sparse": {"count": 1, "indices": {"bufferView": 0, "componentType": 5126}, "values": {"bufferView": 0}}}]"""));
		assertEquals("a.gltf: accessors[0].sparse.count: 5 is more than 4", failure(new Bytes().floats(1), """
				"bufferViews": [{"buffer": 0, "byteLength": 4}],
				"accessors": [{"componentType": 5126, "count": 4, "type": "SCALAR",
					"sparse": {"count": 5, "indices": {"bufferView": 0, "componentType": 5121}, "values": {"bufferView": 0}}}]"""));
	}

	@Test
	void anAccessorPastItsBufferViewIsRefusedWithTheBytesItNeeds() throws GltfException {
		assertEquals("a.gltf: accessors[0]: count 12 × VEC3 float at byteOffset 40 needs 184 bytes but bufferViews[0] has 160",
				failure(new Bytes().raw(new byte[160]), """
						"bufferViews": [{"buffer": 0, "byteLength": 160}],
						"accessors": [{"bufferView": 0, "byteOffset": 40, "componentType": 5126, "count": 12, "type": "VEC3"}]"""));
		assertEquals("a.gltf: accessors[0]: count 3 × VEC3 float at byteOffset 0 with byteStride 16 needs 44 bytes but bufferViews[0] has 40",
				failure(new Bytes().raw(new byte[40]), """
						"bufferViews": [{"buffer": 0, "byteLength": 40, "byteStride": 16}],
						"accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"}]"""));
		assertEquals("a.gltf: accessors[0]: count 2 × MAT3 short at byteOffset 0 needs 46 bytes but bufferViews[0] has 45",
				failure(new Bytes().raw(new byte[45]), """
						"bufferViews": [{"buffer": 0, "byteLength": 45}],
						"accessors": [{"bufferView": 0, "componentType": 5122, "count": 2, "type": "MAT3"}]"""));
	}

	@Test
	void aStrideShorterThanTheElementIsRefused() throws GltfException {
		assertEquals("a.gltf: accessors[0]: VEC3 float elements of 12 bytes overlap in bufferViews[0] with byteStride 8",
				failure(new Bytes().raw(new byte[64]), """
						"bufferViews": [{"buffer": 0, "byteLength": 64, "byteStride": 8}],
						"accessors": [{"bufferView": 0, "componentType": 5126, "count": 2, "type": "VEC3"}]"""));
	}

	@Test
	void absurdCountsAreRefusedBeforeAnythingIsAllocated() throws GltfException {
		assertEquals("a.gltf: accessors[0]: count 1073741824 × VEC3 is 3221225472 values, more than the 2^28 the loader accepts",
				failure(new Bytes().floats(0), """
						"accessors": [{"componentType": 5126, "count": 1073741824, "type": "VEC3"}]"""));
		assertEquals("a.gltf: accessors[0]: count 2147483647 × MAT4 float at byteOffset 0 needs 137438953408 bytes but bufferViews[0] has 4",
				failure(new Bytes().floats(0), """
						"bufferViews": [{"buffer": 0, "byteLength": 4}],
						"accessors": [{"bufferView": 0, "componentType": 5126, "count": 2147483647, "type": "MAT4"}]"""));
	}

	@Test
	void descriptionsOfTheWrongTypeOrRangeAreRefusedByPath() throws GltfException {
		Bytes data = new Bytes().floats(0);
		String[][] cases = { //
				{ "{\"componentType\": 5124, \"count\": 1, \"type\": \"SCALAR\"}", "a.gltf: accessors[0].componentType: 5124 is not a glTF component type" },
				{ "{\"componentType\": 5126, \"count\": 1, \"type\": \"VEC5\"}", "a.gltf: accessors[0].type: 'VEC5' is not a glTF accessor type" },
				{ "{\"componentType\": 5126, \"count\": \"3\", \"type\": \"SCALAR\"}", "a.gltf: accessors[0].count: is a string, not a number" },
				{ "{\"componentType\": 5126, \"count\": 0, \"type\": \"SCALAR\"}", "a.gltf: accessors[0].count: 0 is less than 1" },
				{ "{\"componentType\": 5126, \"count\": 1.5, \"type\": \"SCALAR\"}", "a.gltf: accessors[0].count: 1.5 is not an integer" },
				// found by fuzzing (docs/fuzzing.md): Gson refuses such exponents with a NumberFormatException
				{ "{\"componentType\": 5126, \"count\": 1e1000000, \"type\": \"SCALAR\"}", "a.gltf: accessors[0].count: 1e1000000 is more than 2147483647" },
				{ "{\"componentType\": 5126, \"count\": -1e1000000, \"type\": \"SCALAR\"}", "a.gltf: accessors[0].count: -1e1000000 is less than 1" },
				{ "{\"componentType\": 5126, \"count\": 1e-1000000, \"type\": \"SCALAR\"}", "a.gltf: accessors[0].count: 1e-1000000 is not an integer" },
				{ "{\"componentType\": 5126, \"type\": \"SCALAR\"}", "a.gltf: accessors[0].count: is missing" },
				{ "{\"bufferView\": 7, \"componentType\": 5126, \"count\": 1, \"type\": \"SCALAR\"}",
						"a.gltf: accessors[0].bufferView: refers to bufferViews[7] but the file has 0 bufferViews" },
				{ "[]", "a.gltf: accessors[0]: is an array, not an object" } };
		for (String[] c : cases) {
			assertEquals(c[1], failure(data, "\"accessors\": [" + c[0] + "]"), c[0]);
		}
	}

	@Test
	void integerValuesPastAnIntAreRefused() throws GltfException {
		Accessors a = accessors(new Bytes().ints(1, 4294967295L), """
				"bufferViews": [{"buffer": 0, "byteLength": 8}],
				"accessors": [{"bufferView": 0, "componentType": 5125, "count": 2, "type": "SCALAR"}]""");
		assertEquals("a.gltf: accessors[0]: element 1 is 4294967295, more than an index can be",
				assertThrows(GltfException.class, () -> a.integers(a.accessor(0))).getMessage());
	}

	@Test
	void floatDataThatIsNotFiniteIsRefused() throws GltfException {
		assertEquals("a.gltf: accessors[0]: component 1 of element 0 is NaN", failure(new Bytes().floats(0, Float.NaN), """
				"bufferViews": [{"buffer": 0, "byteLength": 8}],
				"accessors": [{"bufferView": 0, "componentType": 5126, "count": 1, "type": "VEC2"}]"""));
	}
}
