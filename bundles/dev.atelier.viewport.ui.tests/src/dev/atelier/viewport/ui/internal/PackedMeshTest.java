package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Mesh;

class PackedMeshTest {

	@Test
	void verticesAreInterleavedPositionNormalTexcoordTangent() {
		Mesh mesh = new Mesh("tri", new float[] { 0, 0, 0, 1, 0, 0, 0, 1, 0 }, new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1 },
				new float[] { 0, 1, 1, 1, 0, 0 }, new float[] { 1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 0 }, new int[] { 0, 1, 2 }, 3);
		PackedMesh p = PackedMesh.of(mesh);
		assertEquals(3, p.vertexCount());
		assertEquals(48, PackedMesh.STRIDE_BYTES);
		assertArrayEquals(new float[] { 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, -1 }, java.util.Arrays.copyOfRange(p.vertices(), 12, 24));
		assertEquals(1, p.vertices()[2 * 12 + 11], "a tangent with w = 0 gets w = 1: zero means 'derive it'");
		assertArrayEquals(new int[] { 0, 1, 2 }, p.indices());
		assertEquals(3, p.material());
		assertTrue(p.hasTangents());
	}

	@Test
	void missingTexcoordsAndTangentsAreZero() {
		Mesh mesh = new Mesh("bare", new float[] { 0, 0, 0, 1, 0, 0, 0, 1, 0 }, new float[] { 0, 0, 1, 0, 0, 1, 0, 0, 1 }, null, null,
				new int[] { 0, 1, 2 }, 0);
		PackedMesh p = PackedMesh.of(mesh);
		assertFalse(p.hasTangents());
		for (int v = 0; v < 3; v++) {
			for (int k = 6; k < 12; k++) {
				assertEquals(0, p.vertices()[v * 12 + k]);
			}
		}
		assertEquals(1, p.vertices()[12], "x of vertex 1");
	}

	@Test
	void theFrameTimeIsTheMeanOfTheWindow() {
		FrameTimes times = new FrameTimes(3);
		assertEquals("– ms/frame", times.label());
		times.add(1_000_000);
		times.add(2_000_000);
		times.add(3_000_000);
		times.add(7_000_000); // pushes out the first
		assertEquals(4.0, times.meanMillis(), 1e-9);
		assertEquals("4.0 ms/frame", times.label());
	}
}
