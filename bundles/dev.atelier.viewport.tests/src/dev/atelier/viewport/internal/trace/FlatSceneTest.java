package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

class FlatSceneTest {

	@Test
	void flatTexturesSampleExactlyLikeTheScenesTextures() {
		SplittableRandom random = new SplittableRandom(11);
		Texture[] textures = new Texture[3];
		Texture.Wrap[] wraps = Texture.Wrap.values();
		for (int t = 0; t < 3; t++) {
			int w = 3 + t, h = 5 - t;
			float[] rgba = new float[4 * w * h];
			for (int i = 0; i < rgba.length; i++) {
				rgba[i] = (float) random.nextDouble();
			}
			textures[t] = new Texture("t" + t, w, h, rgba, wraps[t], wraps[(t + 1) % 3]);
		}
		Material material = new Material("m", new float[] { 1, 1, 1, 1 }, textures[0], 0, 1, textures[1], textures[2], 1, null, 1, new float[3], textures[0],
				false);
		FlatScene scene = FlatScene.of(new Scene("s", List.of(), List.of(material), List.of(), List.of(), Environment.black()));
		assertEquals(3, scene.textures.length / FlatScene.TEXTURE_STRIDE, "shared textures are stored once");
		float[] expected = new float[4];
		float[] actual = new float[4];
		for (int i = 0; i < 3000; i++) {
			float u = (float) random.nextDouble(-3, 3), v = (float) random.nextDouble(-3, 3);
			for (int t = 0; t < 3; t++) {
				textures[t].sample(u, v, expected);
				Texels.sample(scene.texels, scene.textures, t, u, v, actual);
				assertArrayEquals(expected, actual, "texture " + t + " at (" + u + ", " + v + ")");
			}
		}
	}

	/** The material and light tables follow the offsets FlatScene documents (the CUDA kernel reads them so). */
	@Test
	void tablesFollowTheDocumentedLayout() {
		Texture texture = new Texture("t", 1, 1, new float[] { 1, 1, 1, 1 }, Texture.Wrap.REPEAT, Texture.Wrap.REPEAT);
		Material a = new Material("a", new float[] { 0.1f, 0.2f, 0.3f, 0.4f }, null, 0.5f, 0.6f, null, texture, 0.7f, null, 1, new float[] { 2, 3, 4 }, null, true,
				0.8f);
		Material b = Material.lambertian("b", 1, 1, 1, null);
		Light spot = new Light("spot", Light.Type.SPOT, new float[] { 1, 0.5f, 0.25f }, 8, new float[] { 1, 2, 3 }, new float[] { 0, 0, -2 }, 5,
				(float) Math.acos(0.9), (float) Math.acos(0.8));
		Scene scene = new Scene("s", List.of(TestScenes.square("quad", 1, 0, true, 0)), List.of(a, b), List.of(spot), List.of(),
				Environment.uniform(0.5f, 0.25f, 1));
		FlatScene flat = FlatScene.of(scene);
		assertArrayEquals(new float[] { 0.1f, 0.2f, 0.3f, 0.4f, 2, 3, 4, 0.5f, 0.6f, 0.8f, 0.7f, 1, -1, -1, 0, -1 },
				Arrays.copyOfRange(flat.materials, 0, 16));
		// the quad (area 4) is the only emitter: pdf per unit area 1/4 for its material
		assertEquals(0.25f, flat.materials[16], 1e-6f);
		assertEquals(0, flat.materials[FlatScene.MATERIAL_STRIDE + 16]);
		assertEquals(2, flat.emitters.length);
		assertArrayEquals(new float[] { 0, 0.5f, 1 }, flat.emitterCdf, 1e-6f);
		assertArrayEquals(new float[] { 1, 8, 4, 2, 1, 2, 3, 5, 0, 0, -1, 10, -8, 0, 0, 0 }, flat.lights, 1e-5f);
		assertArrayEquals(new float[] { 0.5f, 0.25f, 1, -1, 0, 0, 1, 0 }, flat.environment);
	}
}
