package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

/** Textures, normal maps and emission sides, seen on a floor (y = 0) under a directional light from straight above. */
class MaterialsTest {

	private static final float E = 2;
	private static final Camera ABOVE = new Camera("above", new float[] { 0, 3, 0 }, new float[] { 0, -1, 0 }, new float[] { 0, 0, -1 },
			(float) Math.toRadians(20), 0, 0.01f, 100);
	private static final Camera BELOW = new Camera("below", new float[] { 0, -3, 0 }, new float[] { 0, 1, 0 }, new float[] { 0, 0, 1 },
			(float) Math.toRadians(20), 0, 0.01f, 100);

	@Test
	void baseColourTextureMultipliesTheFactor() {
		Material material = new Material("textured", new float[] { 0.8f, 0.6f, 0.4f, 1 }, constant("base", 0.5f, 0.25f, 1), 0, 1, null, null, 1, null, 1,
				new float[3], null, false, 0);
		float[] centre = centre(render(material, sun(0, -1, 0), ABOVE));
		assertEquals(0.4f / Math.PI * E, centre[0], 1e-5);
		assertEquals(0.15f / Math.PI * E, centre[1], 1e-5);
		assertEquals(0.4f / Math.PI * E, centre[2], 1e-5);
	}

	/**
	 * A tangent-space normal (sin a, 0, cos a) with tangent +x tilts the shading normal towards +x: lit from straight
	 * above the floor shows cos a; lit 30° from the vertical on the +x side, cos(a − 30°).
	 */
	@Test
	void normalMapTiltsTheShadingNormalTowardsTheTangent() {
		double a = Math.toRadians(20);
		Texture normal = constant("normal", (float) (0.5 + 0.5 * Math.sin(a)), 0.5f, (float) (0.5 + 0.5 * Math.cos(a)));
		Material material = new Material("bumped", new float[] { 1, 1, 1, 1 }, null, 0, 1, null, normal, 1, null, 1, new float[3], null, false, 0);
		assertEquals(Math.cos(a) / Math.PI * E, centre(render(material, sun(0, -1, 0), ABOVE))[1], 1e-4);
		double b = Math.toRadians(30);
		float[] fromPlusX = sun((float) -Math.sin(b), (float) -Math.cos(b), 0);
		assertEquals(Math.cos(a - b) / Math.PI * E, centre(render(material, fromPlusX, ABOVE))[1], 1e-4);
	}

	@Test
	void singleSidedEmittersGlowOnlyInFrontDoubleSidedOnBothSides() {
		float[] glow = { 3, 2, 1 };
		Material single = new Material("single", new float[] { 0, 0, 0, 1 }, null, 0, 1, null, null, 1, null, 1, glow, null, false, 0);
		Material both = new Material("both", new float[] { 0, 0, 0, 1 }, null, 0, 1, null, null, 1, null, 1, glow, null, true, 0);
		assertEquals(3, centre(render(single, null, ABOVE))[0], 1e-6, "front");
		assertEquals(0, centre(render(single, null, BELOW))[0], 1e-6, "back of a single-sided emitter");
		assertEquals(3, centre(render(both, null, BELOW))[0], 1e-6, "back of a double-sided emitter");
	}

	@Test
	void emissiveTextureMultipliesTheEmissiveFactor() {
		Material material = new Material("screen", new float[] { 0, 0, 0, 1 }, null, 0, 1, null, null, 1, null, 1, new float[] { 4, 4, 4 },
				constant("emissive", 0.5f, 0.25f, 0), false, 0);
		float[] centre = centre(render(material, null, ABOVE));
		assertEquals(2, centre[0], 1e-6);
		assertEquals(1, centre[1], 1e-6);
		assertEquals(0, centre[2], 1e-6);
	}

	/** An 8×8 render of a 4 m floor with uvs and tangents (+x, w = 1) under the sun (or none), 4 spp, direct light only. */
	private static Image render(Material material, float[] sunDirection, Camera camera) {
		Mesh square = TestScenes.square("floor", 2, 0, true, 0);
		Mesh floor = new Mesh("floor", square.positions(), square.normals(), new float[] { 0, 0, 0, 1, 1, 1, 1, 0 },
				new float[] { 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1 }, square.indices(), 0);
		List<Light> lights = sunDirection == null ? List.of() : List.of(new Light("sun", Light.Type.DIRECTIONAL, new float[] { 1, 1, 1 }, E, null, sunDirection, 0, 0, 0));
		Scene scene = new Scene("floor", List.of(floor), List.of(material), lights, List.of(), Environment.black());
		return Renderer.render(scene, camera, 8, 8, Settings.defaults().withSpp(4).withMaxBounces(1), ProgressListener.NONE, () -> false).color();
	}

	private static float[] sun(float x, float y, float z) {
		return new float[] { x, y, z };
	}

	private static float[] centre(Image image) {
		return new float[] { image.get(4, 4, 0), image.get(4, 4, 1), image.get(4, 4, 2) };
	}

	private static Texture constant(String name, float r, float g, float b) {
		return new Texture(name, 1, 1, new float[] { r, g, b, 1 }, Texture.Wrap.REPEAT, Texture.Wrap.REPEAT);
	}
}
