package dev.atelier.viewport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

class SceneTest {

	@Test
	void meshIndicesPastTheVerticesAreRefusedByName() {
		assertEquals("mesh 'm': index 3 is past its 3 vertices", assertThrows(IllegalArgumentException.class,
				() -> new Mesh("m", new float[9], new float[9], null, null, new int[] { 0, 1, 3 }, 0)).getMessage());
	}

	@Test
	void boundsCoverEveryVertex() {
		Mesh m = new Mesh("m", new float[] { 0, 0, 0, 1, 2, 3, -1, 5, 0 }, new float[9], null, null, new int[] { 0, 1, 2 }, 0);
		Scene s = new Scene("s", List.of(m), List.of(Material.defaultMaterial()), List.of(), List.of(), Environment.black());
		assertArrayEquals(new float[] { -1, 0, 0, 1, 5, 3 }, s.bounds());
		assertEquals(1, s.triangleCount());
	}

	@Test
	void texturesSampleBilinearlyWithTheirWrapModes() {
		float[] px = { 0, 0, 0, 1, 1, 1, 1, 1 };
		Texture t = new Texture("t", 2, 1, px, Texture.Wrap.CLAMP_TO_EDGE, Texture.Wrap.CLAMP_TO_EDGE);
		float[] out = new float[4];
		t.sample(0.5f, 0.5f, out);
		assertEquals(0.5f, out[0], 1e-6);
		t.sample(0f, 0.5f, out);
		assertEquals(0f, out[0], 1e-6, "clamped at the left edge");
		Texture r = new Texture("r", 2, 1, px, Texture.Wrap.REPEAT, Texture.Wrap.REPEAT);
		r.sample(0f, 0.5f, out);
		assertEquals(0.5f, out[0], 1e-6, "repeat blends the left edge with the right");
	}
}
