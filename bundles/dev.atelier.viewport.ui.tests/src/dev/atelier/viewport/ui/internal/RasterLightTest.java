package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Shapes;
import dev.atelier.viewport.internal.trace.BuiltinScenes;

class RasterLightTest {

	@Test
	void punctualLightsKeepTheirKindColourTimesIntensityAndCone() {
		Light spot = new Light("spot", Light.Type.SPOT, new float[] { 1, 0.5f, 0.25f }, 4, new float[] { 1, 2, 3 }, new float[] { 0, -1, 0 }, 10,
				(float) Math.toRadians(20), (float) Math.toRadians(30));
		RasterLight l = RasterLight.of(spot);
		assertEquals(RasterLight.Kind.SPOT, l.kind());
		assertArrayEquals(new float[] { 4, 2, 1 }, l.radiance());
		assertEquals(10, l.range());
		float cosInner = (float) Math.cos(Math.toRadians(20));
		float cosOuter = (float) Math.cos(Math.toRadians(30));
		assertEquals(1, cosInner * l.cone()[0] + l.cone()[1], 1e-4, "full at the inner cone");
		assertEquals(0, cosOuter * l.cone()[0] + l.cone()[1], 1e-4, "nothing at the outer cone");
	}

	@Test
	void theCornellBoxLampBecomesAPanelFacingDownWithRadianceTimesArea() {
		List<RasterLight> lights = RasterLight.of(BuiltinScenes.cornellBox(), 16);
		assertEquals(1, lights.size());
		RasterLight lamp = lights.get(0);
		assertEquals(RasterLight.Kind.SURFACE, lamp.kind());
		assertArrayEquals(new float[] { 0.278f, 0.5483f, 0.2795f }, lamp.position(), 1e-4f);
		assertArrayEquals(new float[] { 0, -1, 0 }, lamp.direction(), 1e-5f, "it shines down into the box");
		float area = 0.130f * 0.105f;
		assertArrayEquals(new float[] { 17 * area, 12 * area, 4 * area }, lamp.radiance(), 1e-5f);
		assertFalse(lamp.doubleSided());
	}

	@Test
	void aCurvedEmitterBecomesAPointOfAQuarterOfItsAreaTimesRadiance() {
		Material glow = Material.diffuse("glow", 1, 1, 1, new float[] { 2, 2, 2 });
		Scene scene = new Scene("glow", List.of(Shapes.sphere("ball", new float[] { 1, 2, 3 }, 0.5f, 128, 64, 0)), List.of(glow), List.of(), List.of(),
				Environment.black());
		RasterLight l = RasterLight.of(scene, 16).get(0);
		assertEquals(RasterLight.Kind.POINT, l.kind());
		assertArrayEquals(new float[] { 1, 2, 3 }, l.position(), 1e-3f);
		assertEquals(2 * Math.PI * 0.25, l.radiance()[0], 0.01, "L π r²");
	}

	@Test
	void atMostTheShadersNumberOfLights() {
		Light sun = new Light("sun", Light.Type.DIRECTIONAL, new float[] { 1, 1, 1 }, 1, null, new float[] { 0, -1, 0 }, 0, 0, 0);
		Scene many = new Scene("many", List.of(), List.of(), Collections.nCopies(20, sun), List.of(), Environment.black());
		assertEquals(16, RasterLight.of(many, 16).size());
		assertTrue(ViewportScenes.unlit(new Scene("none", List.of(), List.of(), List.of(), List.of(), Environment.black())));
		assertFalse(ViewportScenes.unlit(BuiltinScenes.cornellBox()), "the lamp lights the Cornell box");
		assertFalse(ViewportScenes.unlit(many));
	}
}
