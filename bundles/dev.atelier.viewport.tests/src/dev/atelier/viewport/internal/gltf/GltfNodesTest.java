package dev.atelier.viewport.internal.gltf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.viewport.internal.gltf.TestGltf.Bytes;
import dev.atelier.viewport.internal.gltf.TestGltf.Loaded;
import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;

/** Which scene is loaded, node trees and their transforms, and the cameras and lights nodes carry. */
class GltfNodesTest {

	private static final float EPS = 1e-5f;

	@TempDir
	Path dir;

	/** A document whose meshes 0, 1, 2 are named A, B, C (one triangle each), with {@code members} for nodes and scenes. */
	private Path file(String members) {
		return TestGltf.gltf(dir, "n.gltf", new Bytes().floats(0, 0, 0, 1, 0, 0, 0, 1, 0), """
				"bufferViews": [{"buffer": 0, "byteLength": 36}],
				"accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3"}],
				"meshes": [
					{"name": "A", "primitives": [{"attributes": {"POSITION": 0}}]},
					{"name": "B", "primitives": [{"attributes": {"POSITION": 0}}]},
					{"name": "C", "primitives": [{"attributes": {"POSITION": 0}}]}
				],
				""" + members);
	}

	private static List<String> meshNames(Scene scene) {
		return scene.meshes().stream().map(Mesh::name).toList();
	}

	@Test
	void withoutScenesEveryRootNodeIsPlacedInDocumentOrder() throws GltfException {
		Scene s = GltfLoader.load(file("\"nodes\": [{\"mesh\": 0}, {\"mesh\": 1, \"children\": [0]}, {\"mesh\": 2}]"));
		assertEquals(List.of("B", "A", "C"), meshNames(s), "node 1 and its child 0, then node 2");
		assertEquals("n.gltf", s.name());
	}

	@Test
	void withoutASceneIndexTheFirstSceneIsLoaded() throws GltfException {
		Scene s = GltfLoader.load(file("\"nodes\": [{\"mesh\": 0}, {\"mesh\": 1}], \"scenes\": [{\"nodes\": [1]}, {\"nodes\": [0]}]"));
		assertEquals(List.of("B"), meshNames(s));
		assertEquals(List.of(), GltfLoader.load(file("\"nodes\": [{\"mesh\": 0}], \"scenes\": [{}]")).meshes(), "a scene without nodes is empty");
	}

	@Test
	void aMeshPlacedByTwoNodesBecomesTwoSceneMeshes() throws GltfException {
		Scene s = GltfLoader.load(file("\"nodes\": [{\"mesh\": 0}, {\"mesh\": 0, \"translation\": [0, 0, 3]}]"));
		assertEquals(List.of("A", "A"), meshNames(s));
		assertArrayEquals(new float[] { 0, 0, 3, 1, 0, 3, 0, 1, 3 }, s.meshes().get(1).positions(), EPS);
	}

	@Test
	void aMeshPlacedTooManyTimesForMemoryIsRefusedNamingTheFileAndTheTriangleCount() throws GltfException {
		StringBuilder nodes = new StringBuilder("\"nodes\": [");
		for (int i = 0; i < 1000; i++) {
			nodes.append(i == 0 ? "" : ", ").append("{\"mesh\": 0}");
		}
		Path file = file(nodes + "]");
		GltfDocument doc = GltfDocument.read(file);
		long each = SceneBuilder.BYTES_PER_TRIANGLE + 3 * SceneBuilder.BYTES_PER_VERTEX; // one triangle, flat normals
		assertEquals(1000, GltfLoader.load(doc, note -> {
		}, 1000 * each).meshes().size(), "what fits is placed");
		GltfException e = assertThrows(GltfException.class, () -> GltfLoader.load(GltfDocument.read(file), note -> {
		}, 1000 * each - 1));
		assertEquals("n.gltf: nodes: place 1,000 triangles in 1,000 meshes (each node that places a mesh gets a copy of it): about 0.4 MiB in memory, "
				+ "more than the 0.4 MiB free for it; give Java more with ATELIER_VMARGS=-Xmx<size>, or place fewer copies", e.getMessage());
	}

	@Test
	void aRotationSlightlyOffUnitLengthOnlyRotates() throws GltfException {
		Scene s = GltfLoader.load(file("\"nodes\": [{\"mesh\": 0, \"rotation\": [0, 0, 2, 2]}]"));
		assertArrayEquals(new float[] { 0, 0, 0, 0, 1, 0, -1, 0, 0 }, s.meshes().get(0).positions(), EPS);
	}

	@Test
	void aDeepChainOfNodesIsWalkedWithoutRecursionOnceEach() throws GltfException {
		int depth = 100_000;
		StringBuilder nodes = new StringBuilder("\"nodes\": [");
		for (int i = 0; i < depth; i++) {
			nodes.append(i == depth - 1 ? "{\"mesh\": 0, \"translation\": [0, 0, 1]}" : "{\"translation\": [0, 0, 1], \"children\": [" + (i + 1) + "]},");
		}
		SceneBuilder builder = new SceneBuilder(GltfDocument.read(file(nodes.append("]").toString())), note -> {
		}, GltfLoader.freeHeap());
		Scene s = builder.build();
		assertEquals(depth, s.meshes().get(0).positions()[2], EPS);
		assertEquals(depth, builder.steps(), "one turn per node");
	}

	@Test
	void aLoopOfNodesIsRefusedAfterOneTurnPerNode() throws GltfException {
		int length = 1000;
		StringBuilder nodes = new StringBuilder("\"nodes\": [");
		for (int i = 0; i < length; i++) {
			nodes.append(i > 0 ? "," : "").append("{\"children\": [").append((i + 1) % length).append("]}");
		}
		SceneBuilder builder = new SceneBuilder(GltfDocument.read(file(nodes.append("], \"scenes\": [{\"nodes\": [0]}]").toString())), note -> {
		}, GltfLoader.freeHeap());
		GltfException e = assertThrows(GltfException.class, builder::build);
		assertEquals("n.gltf: nodes[999].children[0]: reaches nodes[0] a second time: nodes form trees, each node with at most one parent", e.getMessage());
		assertEquals(length + 1, builder.steps(), "each node once, then the one reached again");
	}

	@Test
	void nodesThatDoNotFormTreesAreRefused() {
		String shared = "reaches nodes[2] a second time: nodes form trees, each node with at most one parent";
		assertEquals("n.gltf: nodes[1].children[0]: reaches nodes[0] a second time: nodes form trees, each node with at most one parent",
				TestGltf.failure(file("\"nodes\": [{\"children\": [1]}, {\"children\": [0]}], \"scenes\": [{\"nodes\": [0]}]")), "a cycle");
		assertEquals("n.gltf: nodes[0].children[0]: reaches nodes[0] a second time: nodes form trees, each node with at most one parent",
				TestGltf.failure(file("\"nodes\": [{\"children\": [0]}], \"scenes\": [{\"nodes\": [0]}]")), "its own child");
		assertEquals("n.gltf: nodes[1].children[0]: " + shared,
				TestGltf.failure(file("\"nodes\": [{\"children\": [2]}, {\"children\": [2]}, {\"mesh\": 0}]")), "two parents");
		assertEquals("n.gltf: scenes[0].nodes[1]: reaches nodes[0] a second time: nodes form trees, each node with at most one parent",
				TestGltf.failure(file("\"nodes\": [{\"mesh\": 0}], \"scenes\": [{\"nodes\": [0, 0]}]")), "a root twice");
		assertEquals("n.gltf: nodes[0].children[0]: refers to nodes[5] but the file has 1 nodes",
				TestGltf.failure(file("\"nodes\": [{\"children\": [5]}]")));
	}

	@Test
	void badSceneAndNodeReferencesAreRefused() {
		assertEquals("n.gltf: scene: refers to scenes[2] but the file has 1 scenes",
				TestGltf.failure(file("\"nodes\": [{\"mesh\": 0}], \"scene\": 2, \"scenes\": [{\"nodes\": [0]}]")));
		assertEquals("n.gltf: scene: refers to scenes[0] but the file has 0 scenes", TestGltf.failure(file("\"nodes\": [{\"mesh\": 0}], \"scene\": 0")));
		assertEquals("n.gltf: nodes[0].mesh: refers to meshes[3] but the file has 3 meshes", TestGltf.failure(file("\"nodes\": [{\"mesh\": 3}]")));
		assertEquals("n.gltf: nodes[0].mesh: is a string, not a number", TestGltf.failure(file("\"nodes\": [{\"mesh\": \"A\"}]")));
	}

	@Test
	void badTransformsAreRefused() {
		assertEquals("n.gltf: nodes[0]: has both a matrix and translation, rotation or scale",
				TestGltf.failure(file("\"nodes\": [{\"matrix\": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], \"scale\": [1, 1, 1]}]")));
		assertEquals("n.gltf: nodes[0].matrix: has 15 numbers, not 16", TestGltf.failure(file("\"nodes\": [{\"matrix\": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0]}]")));
		assertEquals("n.gltf: nodes[0].rotation: is not a unit quaternion", TestGltf.failure(file("\"nodes\": [{\"rotation\": [0, 0, 0, 0]}]")));
		assertEquals("n.gltf: nodes[0].translation[1]: is a string, not a number", TestGltf.failure(file("\"nodes\": [{\"translation\": [0, \"1\", 0]}]")));
		assertEquals("n.gltf: nodes[0].scale[0]: 1e39 is out of range", TestGltf.failure(file("\"nodes\": [{\"scale\": [1e39, 1, 1]}]")));
	}

	@Test
	void aSkinIsNotedAndItsMeshPlacedByTheNode() throws GltfException {
		Loaded loaded = TestGltf.load(file("\"nodes\": [{\"mesh\": 0, \"skin\": 0}], \"skins\": [{\"joints\": [0]}]"));
		assertEquals(1, loaded.scene().meshes().size());
		assertEquals(List.of("n.gltf: nodes[0]: skin is not applied: the mesh is placed as the node's transform says"), loaded.notes());
	}

	@Test
	void aCameraWithoutZfarOrAspectRatioIsInfiniteAndFollowsTheImage() throws GltfException {
		Scene s = GltfLoader.load(file("""
				"nodes": [{"name": "Eye", "camera": 0, "translation": [1, 2, 3]}],
				"cameras": [{"type": "perspective", "perspective": {"yfov": 1, "znear": 0.5}}]"""));
		Camera c = s.cameras().get(0);
		assertEquals("Eye", c.name(), "unnamed camera: its node's name");
		assertArrayEquals(new float[] { 1, 2, 3 }, c.position());
		assertArrayEquals(new float[] { 0, 0, -1 }, c.forward());
		assertArrayEquals(new float[] { 0, 1, 0 }, c.up());
		assertEquals(0, c.aspect());
		assertEquals(Float.POSITIVE_INFINITY, c.zfar());
		assertEquals(0.5f, c.znear());
	}

	@Test
	void aCameraUnderAShearedNodeKeepsAnOrthonormalFrame() throws GltfException {
		// Column-major: y gains 0.5 · z, which tilts the node's +Y towards its view direction.
		Scene s = GltfLoader.load(file("""
				"nodes": [{"camera": 0, "matrix": [1, 0, 0, 0, 0, 1, 0, 0, 0, 0.5, 1, 0, 0, 0, 0, 1]}],
				"cameras": [{"type": "perspective", "perspective": {"yfov": 1, "znear": 0.5}}]"""));
		Camera c = s.cameras().get(0);
		float dot = c.forward()[0] * c.up()[0] + c.forward()[1] * c.up()[1] + c.forward()[2] * c.up()[2];
		assertEquals(0, dot, EPS);
		assertEquals(1, Math.sqrt(c.up()[0] * c.up()[0] + c.up()[1] * c.up()[1] + c.up()[2] * c.up()[2]), EPS);
	}

	@Test
	void badCamerasAreRefused() {
		String[][] cases = { //
				{ "{\"type\": \"fisheye\"}", "n.gltf: cameras[0].type: 'fisheye' is neither perspective nor orthographic" },
				{ "{\"type\": \"perspective\"}", "n.gltf: cameras[0].perspective: is missing" },
				{ "{\"type\": \"perspective\", \"perspective\": {\"yfov\": 0, \"znear\": 1}}", "n.gltf: cameras[0].perspective.yfov: 0.0 is not between 0 and π" },
				{ "{\"type\": \"perspective\", \"perspective\": {\"yfov\": 1, \"znear\": 0}}", "n.gltf: cameras[0].perspective.znear: 0.0 is not positive" },
				{ "{\"type\": \"perspective\", \"perspective\": {\"yfov\": 1, \"znear\": 1, \"zfar\": 1}}",
						"n.gltf: cameras[0].perspective.zfar: 1.0 is not beyond znear 1.0" },
				{ "{\"type\": \"perspective\", \"perspective\": {\"yfov\": 1, \"znear\": 1, \"aspectRatio\": -2}}",
						"n.gltf: cameras[0].perspective.aspectRatio: -2.0 is not positive" } };
		for (String[] c : cases) {
			assertEquals(c[1], TestGltf.failure(file("\"nodes\": [{\"camera\": 0}], \"cameras\": [" + c[0] + "]")), c[0]);
		}
		assertEquals("n.gltf: nodes[0]: its transform collapses the view of cameras[0]", TestGltf.failure(file("""
				"nodes": [{"camera": 0, "scale": [1, 1, 0]}],
				"cameras": [{"type": "perspective", "perspective": {"yfov": 1, "znear": 0.5}}]""")));
		assertEquals("n.gltf: nodes[0].camera: refers to cameras[1] but the file has 0 cameras", TestGltf.failure(file("\"nodes\": [{\"camera\": 1}]")));
	}

	@Test
	void aSpotLightWithoutConeAnglesTakesTheExtensionsDefaults() throws GltfException {
		Scene s = GltfLoader.load(file("""
				"nodes": [{"extensions": {"KHR_lights_punctual": {"light": 0}}}],
				"extensions": {"KHR_lights_punctual": {"lights": [{"type": "spot", "spot": {}}]}}"""));
		Light l = s.lights().get(0);
		assertEquals("extensions.KHR_lights_punctual.lights[0]", l.name(), "neither light nor node is named");
		assertEquals(0, l.innerCone());
		assertEquals((float) (Math.PI / 4), l.outerCone());
		assertArrayEquals(new float[] { 1, 1, 1 }, l.color());
		assertEquals(0, l.range());
	}

	@Test
	void badLightsAreRefused() {
		String prefix = "n.gltf: extensions.KHR_lights_punctual.lights[0]";
		String[][] cases = { //
				{ "{\"type\": \"area\"}", prefix + ".type: 'area' is not point, spot or directional" },
				{ "{}", prefix + ".type: is missing" },
				{ "{\"type\": \"spot\"}", prefix + ".spot: is missing" },
				{ "{\"type\": \"spot\", \"spot\": {\"innerConeAngle\": 0.5, \"outerConeAngle\": 0.5}}", prefix + ".spot: cone angles 0.5 and 0.5 are not 0 ≤ inner < outer ≤ π/2" },
				{ "{\"type\": \"spot\", \"spot\": {\"outerConeAngle\": 2}}", prefix + ".spot: cone angles 0.0 and 2.0 are not 0 ≤ inner < outer ≤ π/2" },
				{ "{\"type\": \"point\", \"range\": 0}", prefix + ".range: 0.0 is not positive" },
				{ "{\"type\": \"point\", \"intensity\": -1}", prefix + ".intensity: -1.0 is negative" },
				{ "{\"type\": \"point\", \"color\": [1, 1]}", prefix + ".color: has 2 numbers, not 3" } };
		for (String[] c : cases) {
			assertEquals(c[1], TestGltf.failure(file("\"nodes\": [{\"extensions\": {\"KHR_lights_punctual\": {\"light\": 0}}}], "
					+ "\"extensions\": {\"KHR_lights_punctual\": {\"lights\": [" + c[0] + "]}}")), c[0]);
		}
		assertEquals("n.gltf: nodes[0].extensions.KHR_lights_punctual.light: refers to lights[0] but the file has 0 lights",
				TestGltf.failure(file("\"nodes\": [{\"extensions\": {\"KHR_lights_punctual\": {\"light\": 0}}}]")));
	}
}
