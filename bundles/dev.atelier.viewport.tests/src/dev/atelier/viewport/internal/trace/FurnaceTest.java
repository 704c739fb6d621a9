package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Scene;

class FurnaceTest {

	/**
	 * 48×48 pixels at 256 spp: one sample's standard deviation on the sphere is about 0.25, so a pixel's mean is
	 * within 0.1 (6σ) of 1 and the sphere's mean within 0.005. The background sees the environment directly: 1 exactly.
	 */
	@Test
	void whiteLambertianSphereInAWhiteEnvironmentRendersOneEverywhere() {
		Scene scene = BuiltinScenes.furnace();
		RenderResult result = Renderer.render(scene, scene.cameras().get(0), 48, 48, Settings.defaults().withSpp(256).withMaxBounces(16), ProgressListener.NONE,
				() -> false);
		float[] color = result.color().rgb();
		float[] albedo = result.albedo().rgb();
		double sphereSum = 0;
		int spherePixels = 0;
		int backgroundPixels = 0;
		for (int i = 0; i < color.length; i += 3) {
			for (int c = 0; c < 3; c++) {
				assertEquals(1, color[i + c], 0.1, "pixel " + i / 3 + " channel " + c);
			}
			if (albedo[i] == 0) {
				backgroundPixels++;
				assertEquals(1, color[i], 1e-6, "background pixel " + i / 3);
			} else {
				spherePixels++;
				sphereSum += color[i] + color[i + 1] + color[i + 2];
			}
		}
		assertTrue(spherePixels > 700 && backgroundPixels > 700, spherePixels + " sphere and " + backgroundPixels + " background pixels");
		assertEquals(1, sphereSum / (3 * spherePixels), 0.005, "mean over the sphere");
	}
}
