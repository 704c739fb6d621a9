package dev.atelier.viewport.internal.trace;

import dev.atelier.viewport.scene.Mesh;

/** Geometry the tests build scenes from. */
final class TestScenes {

	private TestScenes() {
	}

	/** A square of half-size {@code half} in the plane y = height, centred on the y axis, facing +y or −y. */
	static Mesh square(String name, float half, float height, boolean facingUp, int material) {
		float[] positions = { -half, height, -half, -half, height, half, half, height, half, half, height, -half };
		float ny = facingUp ? 1 : -1;
		float[] normals = { 0, ny, 0, 0, ny, 0, 0, ny, 0, 0, ny, 0 };
		// (−,−) (−,+) (+,+) winds counter-clockwise seen from +y
		int[] indices = facingUp ? new int[] { 0, 1, 2, 0, 2, 3 } : new int[] { 0, 2, 1, 0, 3, 2 };
		return new Mesh(name, positions, normals, null, null, indices, material);
	}
}
