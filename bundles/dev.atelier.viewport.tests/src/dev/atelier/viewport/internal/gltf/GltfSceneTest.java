package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.atelier.viewport.internal.gltf.TestGltf.Loaded;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

/**
 * data/gltf/scene.gltf, written by hand (scene.bin and the PNGs come from releng/viewport/gltf_fixtures.py), loaded
 * and checked field by field: the node hierarchy's transforms, instancing, mirroring, flat normals, cameras, lights,
 * materials with every texture, and the notes about what the scene leaves out.
 */
class GltfSceneTest {

	private static final float EPS = 1e-5f;
	private static final float S = (float) Math.sqrt(0.5);

	private static Scene scene;
	private static List<String> notes;

	@BeforeAll
	static void load() throws GltfException {
		Loaded loaded = TestGltf.load(Path.of("data/gltf/scene.gltf"));
		scene = loaded.scene();
		notes = loaded.notes();
	}

	/** sRGB to linear, as the specification defines it. */
	private static float linear(double encoded) {
		return (float) (encoded <= 0.04045 ? encoded / 12.92 : Math.pow((encoded + 0.055) / 1.055, 2.4));
	}

	@Test
	void theSceneThatSceneNamesIsLoaded() {
		assertEquals("Main", scene.name());
		assertEquals(List.of("Tri", "Tri", "Slope", "Multi#0", "Multi#2"), scene.meshes().stream().map(Mesh::name).toList());
	}

	@Test
	void nestedTrsAndMatrixTransformsPlaceTheMeshInWorldSpace() {
		// Parent: translate (10, 0, 0) · rotate 90° about Z · scale 2; Child: matrix translating (0, 0, 5).
		Mesh m = scene.meshes().get(0);
		assertArrayEquals(new float[] { 10, 0, 10, 10, 2, 10, 8, 0, 10 }, m.positions(), EPS);
		assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1 }, m.normals(), EPS);
		assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 1 }, m.texcoords(), EPS);
		assertArrayEquals(new float[] { 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1 }, m.tangents(), EPS, "tangents rotate, w stays");
		assertArrayEquals(new int[] { 0, 1, 2 }, m.indices());
		assertEquals(0, m.material());
	}

	@Test
	void aMirroringTransformReversesTheWindingAndTheBitangentSign() {
		// Parent · scale (-1, 1, 1): the same triangle mirrored, its front still facing +Z.
		Mesh m = scene.meshes().get(1);
		assertArrayEquals(new float[] { 10, 0, 0, 10, -2, 0, 8, 0, 0 }, m.positions(), EPS);
		assertArrayEquals(new int[] { 0, 2, 1 }, m.indices());
		assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1 }, m.normals(), EPS);
		assertArrayEquals(new float[] { 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1 }, m.tangents(), EPS);
		float[] p = m.positions();
		int[] t = m.indices();
		float[] e1 = { p[3 * t[1]] - p[3 * t[0]], p[3 * t[1] + 1] - p[3 * t[0] + 1], 0 };
		float[] e2 = { p[3 * t[2]] - p[3 * t[0]], p[3 * t[2] + 1] - p[3 * t[0] + 1], 0 };
		assertTrue(e1[0] * e2[1] - e1[1] * e2[0] > 0, "counter-clockwise seen from +Z");
	}

	@Test
	void normalsFollowTheInverseTransposeOfANonUniformScale() {
		// Plane x + z = 0 scaled by (2, 1, 1) becomes x + 2z = 0, whose normal is (1, 0, 2) / √5, not (2, 0, 1) / √5.
		Mesh m = scene.meshes().get(2);
		assertArrayEquals(new float[] { 0, 0, 0, 0, 1, 0, -2, 0, 1 }, m.positions(), EPS);
		float a = (float) (1 / Math.sqrt(5));
		assertArrayEquals(new float[] { a, 0, 2 * a, a, 0, 2 * a, a, 0, 2 * a }, m.normals(), EPS);
		assertNull(m.texcoords());
		assertNull(m.tangents());
		assertArrayEquals(new int[] { 0, 1, 2 }, m.indices(), "non-indexed: vertices in order");
	}

	@Test
	void aPrimitiveWithoutNormalsGetsFlatOnesAndOnlyTrianglesAreKept() {
		Mesh flat = scene.meshes().get(3);
		assertArrayEquals(new float[] { 0, 0, -10, 1, 0, -10, 0, 1, -10 }, flat.positions(), EPS);
		assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1 }, flat.normals(), EPS);
		assertNull(flat.tangents());
		Mesh withNormals = scene.meshes().get(4);
		assertArrayEquals(flat.positions(), withNormals.positions(), EPS);
		assertTrue(notes.contains("scene.gltf: meshes[2].primitives[1]: mode LINES is skipped: the scene holds triangles only"), notes::toString);
	}

	@Test
	void materialsAreConvertedOnFirstUseWithTheDefaultForPrimitivesWithout() {
		assertEquals(List.of("Textured", "default", "Plain"), scene.materials().stream().map(Material::name).toList());
		assertEquals(List.of(0, 0, 1, 2, 1), scene.meshes().stream().map(Mesh::material).toList());
	}

	@Test
	void everyMaterialFactorAndTextureIsKept() {
		Material m = scene.materials().get(0);
		assertArrayEquals(new float[] { 1, 0.5f, 0.25f, 1 }, m.baseColor());
		assertEquals(0.25f, m.metallic());
		assertEquals(0.75f, m.roughness());
		assertEquals(0.5f, m.normalScale());
		assertEquals(0.8f, m.occlusionStrength());
		assertArrayEquals(new float[] { 4, 2, 0 }, m.emissive(), "emissiveFactor × KHR_materials_emissive_strength");
		assertTrue(m.doubleSided());

		Texture base = m.baseColorTexture();
		assertEquals("base color.png", base.name(), "percent-decoded uri");
		assertEquals(2, base.width());
		assertEquals(1, base.height());
		assertArrayEquals(new float[] { 1, linear(128 / 255.0), 0, 1, 0, 0, 0, 128 / 255f }, base.rgba(), EPS, "RGBA from sRGB, alpha linear");
		assertEquals(Texture.Wrap.CLAMP_TO_EDGE, base.wrapS());
		assertEquals(Texture.Wrap.MIRRORED_REPEAT, base.wrapT());

		Texture mr = m.metallicRoughnessTexture();
		assertEquals("MetalRough", mr.name());
		assertArrayEquals(new float[] { 0, 64 / 255f, 1, 1 }, mr.rgba(), EPS, "RGB kept linear");
		assertEquals(Texture.Wrap.REPEAT, mr.wrapS(), "no sampler: repeat");
		assertEquals(Texture.Wrap.REPEAT, mr.wrapT());

		assertArrayEquals(new float[] { 128 / 255f, 128 / 255f, 1, 1 }, m.normalTexture().rgba(), EPS);
		assertEquals(Texture.Wrap.REPEAT, m.normalTexture().wrapS(), "a sampler without wrap modes repeats");
		assertArrayEquals(new float[] { 200 / 255f, 200 / 255f, 200 / 255f, 1 }, m.occlusionTexture().rgba(), EPS, "grey as stored");
		assertArrayEquals(new float[] { 1, linear(32768 / 65535.0), 0, 1 }, m.emissiveTexture().rgba(), EPS, "16-bit RGB from sRGB");
	}

	@Test
	void aMaterialWithoutTexturesKeepsItsFactorsAndNotesWhatItCannotKeep() {
		Material plain = scene.materials().get(2);
		assertArrayEquals(new float[] { 0.2f, 0.3f, 0.4f, 1 }, plain.baseColor());
		assertEquals(0, plain.metallic());
		assertEquals(0.5f, plain.roughness());
		assertSame(scene.materials().get(0).baseColorTexture(), plain.baseColorTexture(), "one texture, decoded once");
		assertNull(plain.metallicRoughnessTexture());
		assertNull(plain.normalTexture());
		assertNull(plain.occlusionTexture());
		assertNull(plain.emissiveTexture());
		assertArrayEquals(new float[3], plain.emissive());
		assertFalse(plain.doubleSided());
		assertTrue(notes.contains("scene.gltf: materials[1].pbrMetallicRoughness.baseColorTexture: texCoord 1 is not supported; TEXCOORD_0 is used"),
				notes::toString);
		assertTrue(notes.contains("scene.gltf: materials[1]: alphaMode MASK is not kept: the base colour's alpha is all the scene has"), notes::toString);
		Material d = scene.materials().get(1);
		assertArrayEquals(new float[] { 1, 1, 1, 1 }, d.baseColor());
		assertEquals(1, d.metallic());
		assertEquals(1, d.roughness());
	}

	@Test
	void aPerspectiveCameraLooksDownItsNodesMinusZ() {
		assertEquals(1, scene.cameras().size());
		Camera c = scene.cameras().get(0);
		assertEquals("View", c.name());
		assertArrayEquals(new float[] { 0, 1, 5 }, c.position(), EPS);
		assertArrayEquals(new float[] { -1, 0, 0 }, c.forward(), EPS, "rotated 90° about Y");
		assertArrayEquals(new float[] { 0, 1, 0 }, c.up(), EPS);
		assertEquals(0.8f, c.yfov());
		assertEquals(1.5f, c.aspect());
		assertEquals(0.1f, c.znear());
		assertEquals(100f, c.zfar());
		assertTrue(notes.contains("scene.gltf: cameras[1]: is orthographic and left out: the scene's cameras are perspective"), notes::toString);
	}

	@Test
	void punctualLightsArePlacedByTheirNodes() {
		assertEquals(3, scene.lights().size());
		Light sun = scene.lights().get(0);
		assertEquals("Sun", sun.name());
		assertEquals(Light.Type.DIRECTIONAL, sun.type());
		assertArrayEquals(new float[] { 0, -1, 0 }, sun.direction(), EPS, "−Z turned −90° about X points down");
		assertArrayEquals(new float[] { 1, 1, 1 }, sun.color());
		assertEquals(3, sun.intensity());
		assertEquals(0, sun.range(), "infinite");

		Light bulb = scene.lights().get(1);
		assertEquals("Bulb", bulb.name(), "unnamed light: its node's name");
		assertEquals(Light.Type.POINT, bulb.type());
		assertArrayEquals(new float[] { 1, 4, 0 }, bulb.position(), EPS);
		assertArrayEquals(new float[] { 1, 0.5f, 0.25f }, bulb.color());
		assertEquals(30, bulb.intensity());
		assertEquals(20, bulb.range());

		Light spot = scene.lights().get(2);
		assertEquals(Light.Type.SPOT, spot.type());
		assertArrayEquals(new float[] { 0, 4, 2 }, spot.position(), EPS);
		assertArrayEquals(new float[] { 0, 0, -1 }, spot.direction(), EPS);
		assertEquals(1, spot.intensity());
		assertEquals(0.2f, spot.innerCone());
		assertEquals(0.6f, spot.outerCone());
	}

	@Test
	void anExtensionUsedButNotRequiredIsNoted() {
		assertTrue(notes.contains("scene.gltf: extensionsUsed[2]: extension 'KHR_texture_transform' is not supported and is ignored"), notes::toString);
		assertEquals(5, notes.size(), notes::toString);
	}

	@Test
	void aGlbWithInterleavedAttributesAndAnImageInItsBinChunkLoads() throws GltfException {
		Loaded loaded = TestGltf.load(Path.of("data/gltf/scene.glb"));
		Scene glb = loaded.scene();
		assertEquals("scene.glb", glb.name(), "no scenes: named after the file, every root node placed");
		assertEquals(1, glb.meshes().size());
		Mesh m = glb.meshes().get(0);
		assertEquals("Flat", m.name());
		assertArrayEquals(new float[] { 0, 0, 1, 1, 0, 1, 0, 1, 1 }, m.positions(), EPS);
		assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 1 }, m.texcoords(), EPS);
		assertArrayEquals(new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1 }, m.normals(), EPS, "flat");
		assertArrayEquals(new int[] { 0, 1, 2 }, m.indices());
		Texture red = glb.materials().get(m.material()).baseColorTexture();
		assertEquals("images[0]", red.name());
		assertArrayEquals(new float[] { 1, 0, 0, 1 }, red.rgba(), EPS);
		assertEquals(List.of(), loaded.notes());
	}
}
