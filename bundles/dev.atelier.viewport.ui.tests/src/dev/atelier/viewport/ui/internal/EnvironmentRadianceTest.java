package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;
import dev.atelier.viewport.internal.trace.BuiltinScenes;

class EnvironmentRadianceTest {

	@Test
	void aUniformEnvironmentIsItsColourTimesItsIntensity() {
		float[] out = new float[3];
		new EnvironmentRadiance(new Environment(new float[] { 0.1f, 0.2f, 0.3f }, null, 2)).radiance(0, 0, -1, out);
		assertArrayEquals(new float[] { 0.2f, 0.4f, 0.6f }, out, 1e-6f);
	}

	@Test
	void theMapRunsFromMinusZThroughPlusXWithTheZenithOnTop() {
		// 4 columns: u = 0 (−Z), 0.25 (+X), 0.5 (+Z), 0.75 (−X); 2 rows: top (up), bottom (down)
		int w = 4;
		int h = 2;
		float[] rgba = new float[w * h * 4];
		float[][] colours = { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 1, 0 } };
		for (int j = 0; j < h; j++) {
			for (int i = 0; i < w; i++) {
				System.arraycopy(colours[i], 0, rgba, (j * w + i) * 4, 3);
				rgba[(j * w + i) * 4 + 3] = j == 0 ? 1 : 0;
			}
		}
		Texture map = new Texture("compass", w, h, rgba, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE);
		EnvironmentRadiance env = new EnvironmentRadiance(new Environment(new float[] { 5, 5, 5 }, map, 3));
		float[] out = new float[3];
		// texel centres: u = (i + 0.5) / 4, so −Z (u = 0) blends columns 3 and 0; +X at u = 0.25 blends 0 and 1 …
		env.radiance(Math.sin(2 * Math.PI * 0.125), 0, -Math.cos(2 * Math.PI * 0.125), out);
		assertArrayEquals(new float[] { 3, 0, 0 }, out, 1e-4f, "the centre of column 0, times the intensity (the colour is not used)");
		env.radiance(Math.sin(2 * Math.PI * 0.375), 0, -Math.cos(2 * Math.PI * 0.375), out);
		assertArrayEquals(new float[] { 0, 3, 0 }, out, 1e-4f, "column 1 lies towards +X");
	}

	@Test
	void blackIsRecognisedAndTheSkyReplacesItOnlyWhenAsked() {
		assertTrue(EnvironmentRadiance.isBlack(Environment.black()));
		assertFalse(EnvironmentRadiance.isBlack(BuiltinScenes.sky()));
		Scene dark = new Scene("dark", java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of(), Environment.black());
		assertTrue(ViewportScenes.lit(dark, false) == dark);
		assertTrue(ViewportScenes.lit(dark, true).environment() == BuiltinScenes.sky());
		Scene spheres = BuiltinScenes.spheres();
		assertTrue(ViewportScenes.lit(spheres, true) == spheres, "a scene with its own environment keeps it");
	}
}
