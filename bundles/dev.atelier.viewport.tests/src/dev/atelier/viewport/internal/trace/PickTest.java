package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;

/** {@link FlatScene#pick}: the scene mesh a ray meets first, through the BVH in leaf order. */
class PickTest {

	private static Scene scene(Mesh... meshes) {
		return new Scene("s", List.of(meshes), List.of(Material.lambertian("m", 1, 1, 1, null)), List.of(), List.of(), Environment.black());
	}

	@Test
	void aRayThroughATrianglePicksItsMesh() {
		Mesh triangle = new Mesh("triangle", new float[] { -1, -1, 0, 1, -1, 0, 0, 1, 0 }, new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1 }, null, null,
				new int[] { 0, 1, 2 }, 0);
		FlatScene flat = FlatScene.of(scene(TestScenes.square("elsewhere", 1, 10, true, 0), triangle));
		assertEquals(OptionalInt.of(1), flat.pick(new float[] { 0, 0, 5 }, new float[] { 0, 0, -1 }));
		assertEquals(OptionalInt.of(1), flat.pick(new float[] { 0, 0, -5 }, new float[] { 0, 0, 3 }), "from behind, any length of direction");
		assertEquals(OptionalInt.of(0), flat.pick(new float[] { 0.5f, 20, 0.5f }, new float[] { 0, -1, 0 }));
	}

	@Test
	void aRayThatMissesEverythingPicksNothing() {
		FlatScene flat = FlatScene.of(scene(TestScenes.square("floor", 1, 0, true, 0)));
		assertTrue(flat.pick(new float[] { 0, 1, 0 }, new float[] { 0, 1, 0 }).isEmpty(), "pointing away");
		assertTrue(flat.pick(new float[] { 3, 1, 0 }, new float[] { 0, -1, 0 }).isEmpty(), "beside it");
		assertTrue(flat.pick(new float[] { 0, 1, 0 }, new float[] { 0, 0, 0 }).isEmpty(), "no direction");
		assertTrue(FlatScene.of(scene()).pick(new float[3], new float[] { 0, -1, 0 }).isEmpty(), "an empty scene");
	}

	@Test
	void theNearestOfOverlappingMeshesIsPicked() {
		// many triangles each, so that the BVH has several leaves to order
		Mesh low = grid("low", 0);
		Mesh high = grid("high", 1);
		FlatScene flat = FlatScene.of(scene(low, high));
		for (float x = -0.9f; x < 1; x += 0.3f) {
			assertEquals(OptionalInt.of(1), flat.pick(new float[] { x, 5, 0.2f }, new float[] { 0, -1, 0 }), "from above at x = " + x);
			assertEquals(OptionalInt.of(0), flat.pick(new float[] { x, -5, 0.2f }, new float[] { 0, 1, 0 }), "from below at x = " + x);
		}
		assertEquals(OptionalInt.of(0), FlatScene.of(scene(high, low)).pick(new float[] { 0, 5, 0 }, new float[] { 0, -1, 0 }), "by mesh index");
	}

	/** A 2 × 2 square at height y made of 8 × 8 quads. */
	private static Mesh grid(String name, float y) {
		int n = 8;
		float[] positions = new float[3 * (n + 1) * (n + 1)];
		float[] normals = new float[positions.length];
		for (int j = 0, v = 0; j <= n; j++) {
			for (int i = 0; i <= n; i++, v++) {
				positions[3 * v] = -1 + 2f * i / n;
				positions[3 * v + 1] = y;
				positions[3 * v + 2] = -1 + 2f * j / n;
				normals[3 * v + 1] = 1;
			}
		}
		int[] indices = new int[6 * n * n];
		for (int j = 0, k = 0; j < n; j++) {
			for (int i = 0; i < n; i++) {
				int a = j * (n + 1) + i;
				int b = a + 1;
				int c = a + n + 1;
				int d = c + 1;
				int[] quad = { a, c, d, a, d, b };
				System.arraycopy(quad, 0, indices, k, 6);
				k += 6;
			}
		}
		return new Mesh(name, positions, normals, null, null, indices, 0);
	}
}
