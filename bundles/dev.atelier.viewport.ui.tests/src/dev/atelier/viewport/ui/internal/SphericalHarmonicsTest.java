package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Texture;

class SphericalHarmonicsTest {

	@Test
	void aUniformEnvironmentGivesPiTimesItsRadianceInEveryDirection() {
		float[][] faces = new EnvironmentRadiance(new Environment(new float[] { 0.5f, 1, 2 }, null, 2)).cubeFaces(16);
		float[] sh = SphericalHarmonics.project(faces, 16);
		for (double[] n : new double[][] { { 0, 1, 0 }, { 0, -1, 0 }, { 1, 0, 0 }, { 0.6, 0, -0.8 } }) {
			float[] e = SphericalHarmonics.irradiance(sh, n[0], n[1], n[2]);
			assertEquals(Math.PI * 1, e[0], 0.01);
			assertEquals(Math.PI * 2, e[1], 0.02);
			assertEquals(Math.PI * 4, e[2], 0.04);
		}
	}

	@Test
	void aSkyAboveLightsUpwardFacesAndLeavesDownwardOnesDark() {
		float[] rgba = new float[8 * 4 * 4];
		for (int j = 0; j < 2; j++) { // the upper half of an 8x4 map
			for (int i = 0; i < 8; i++) {
				for (int c = 0; c < 4; c++) {
					rgba[(j * 8 + i) * 4 + c] = 1;
				}
			}
		}
		Texture map = new Texture("upper", 8, 4, rgba, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE);
		float[][] faces = new EnvironmentRadiance(new Environment(new float[] { 1, 1, 1 }, map, 1)).cubeFaces(32);
		float[] sh = SphericalHarmonics.project(faces, 32);
		// exact: π facing up, 0 facing down, π/2 facing the horizon; bands 0-2 come within some 10 %
		assertEquals(Math.PI, SphericalHarmonics.irradiance(sh, 0, 1, 0)[0], 0.1 * Math.PI);
		assertTrue(SphericalHarmonics.irradiance(sh, 0, -1, 0)[0] < 0.1 * Math.PI);
		assertEquals(Math.PI / 2, SphericalHarmonics.irradiance(sh, 1, 0, 0)[0], 0.1 * Math.PI);
	}

	@Test
	void cubeTexelsCoverTheSphereOnceAndPointAtTheirFace() {
		double total = 0;
		int size = 8;
		double[] d = new double[3];
		for (int f = 0; f < 6; f++) {
			for (int j = 0; j < size; j++) {
				for (int i = 0; i < size; i++) {
					total += CubeFaces.texelSolidAngle(i, j, size);
					CubeFaces.direction(f, (i + 0.5) / size, (j + 0.5) / size, d);
					int axis = Math.abs(d[0]) >= Math.abs(d[1]) && Math.abs(d[0]) >= Math.abs(d[2]) ? 0 : Math.abs(d[1]) >= Math.abs(d[2]) ? 1 : 2;
					int face = axis * 2 + (d[axis] > 0 ? 0 : 1);
					assertEquals(f, face, "the direction's major axis selects its own face");
				}
			}
		}
		assertEquals(4 * Math.PI, total, 1e-9);
		// GL's table: on +Z, s grows with +x and t with −y
		CubeFaces.direction(4, 1, 0.5, d);
		assertTrue(d[0] > 0.5);
		CubeFaces.direction(4, 0.5, 1, d);
		assertTrue(d[1] < -0.5);
	}
}
