package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Scene;

class CornellBoxTest {

	private static final int SIZE = 32;
	private static FlatScene scene;
	private static Camera camera;
	private static Image reference;

	@BeforeAll
	static void renderReference() {
		Scene box = BuiltinScenes.cornellBox();
		scene = FlatScene.of(box);
		camera = box.cameras().get(0);
		reference = render(2048, 99, 0).color();
	}

	/**
	 * Against a 2048 spp reference (other seed), the error falls as 1/√spp: it about halves when the spp quadruple.
	 * Measured below the light's rows: pixels that the light's edge crosses are so much noisier (17 against 0.2)
	 * that a handful of them would make the measure itself noisy.
	 */
	@Test
	void convergesTowardsAHighSampleReferenceAtTheMonteCarloRate() {
		double previous = Double.POSITIVE_INFINITY;
		for (int spp : new int[] { 8, 32, 128 }) {
			double rmse = rmseBelowTheLight(reference, render(spp, 1, 0).color());
			if (previous != Double.POSITIVE_INFINITY) {
				double ratio = previous / rmse;
				assertTrue(ratio > 1.7 && ratio < 2.4, "RMSE " + previous + " → " + rmse + " at " + spp + " spp");
			}
			previous = rmse;
		}
	}

	/**
	 * The light is the brightest thing in the picture, the left wall red, the right wall green, the back wall
	 * white-ish and lit, and the image's mean radiance lies where the light's power over the box's area puts it.
	 */
	@Test
	void brightnessIsSaneAndTheWallsHaveTheirColours() {
		Image image = reference;
		double mean = image.average();
		assertTrue(mean > 0.08 && mean < 0.25, "mean radiance " + mean);
		float[] left = pixel(image, 2, SIZE / 2);
		float[] right = pixel(image, SIZE - 3, SIZE / 2);
		float[] back = pixel(image, SIZE / 2, 8);
		float[] light = pixel(image, SIZE / 2, 4);
		assertTrue(left[0] > 3 * left[1] && left[0] > 3 * left[2], "left wall " + str(left));
		assertTrue(right[1] > 2 * right[0] && right[1] > 2 * right[2], "right wall " + str(right));
		assertTrue(back[0] > 0.1 && back[1] > 0.07 && back[2] > 0.02, "back wall, lit by the yellowish light " + str(back));
		for (int c = 0; c < 3; c++) {
			float emitted = new float[] { 17, 12, 4 }[c];
			assertTrue(light[c] > emitted && light[c] < emitted + 0.5f, "the light seen directly emits and reflects a little: " + str(light));
		}
		for (float v : image.rgb()) {
			assertTrue(v >= 0 && v < 17.5f, "radiance " + v);
		}
	}

	@Test
	void aSeedGivesTheSameImageWhateverTheThreadCount() {
		RenderResult one = render(4, 42, 1);
		RenderResult two = render(4, 42, 2);
		RenderResult three = render(4, 42, 3);
		assertArrayEquals(one.color().rgb(), two.color().rgb());
		assertArrayEquals(one.color().rgb(), three.color().rgb());
		assertArrayEquals(one.albedo().rgb(), three.albedo().rgb());
		assertArrayEquals(one.normal().rgb(), three.normal().rgb());
		double other = Image.rmse(one.color(), render(4, 43, 2).color());
		assertTrue(other > 0.01, "another seed gives other noise: RMSE " + other);
	}

	/** The à-trous filter, guided by albedo, normals and variance, brings 4 and 32 spp images closer to the reference. */
	@Test
	void denoisingBringsLowSampleImagesCloserToTheReference() {
		for (int spp : new int[] { 4, 32 }) {
			RenderResult noisy = Renderer.render(scene, camera, SIZE, SIZE, Settings.defaults().withSpp(spp).withSeed(5).withDenoise(true),
					ProgressListener.NONE, () -> false);
			double before = rmseBelowTheLight(reference, noisy.color());
			double after = rmseBelowTheLight(reference, noisy.denoised());
			assertTrue(after < 0.8 * before, spp + " spp: RMSE " + before + " → " + after);
			assertEquals(noisy.color().average(), noisy.denoised().average(), 0.05 * noisy.color().average(), "the filter keeps the brightness");
		}
	}

	/** The first-hit buffers: the light's base colour where the camera sees it, unit normals facing the camera. */
	@Test
	void featureBuffersHoldTheFirstHitsAlbedoAndNormal() {
		RenderResult result = render(1, 3, 0);
		assertArrayEquals(new float[] { 0.78f, 0.78f, 0.78f }, pixel(result.albedo(), SIZE / 2, 4), 1e-6f);
		assertArrayEquals(new float[] { 0.725f, 0.71f, 0.68f }, pixel(result.albedo(), SIZE / 2, 8), 1e-6f);
		float[] n = pixel(result.normal(), SIZE / 2, 8);
		assertArrayEquals(new float[] { 0, 0, -1 }, n, 1e-5f, "the back wall faces the camera");
	}

	private static RenderResult render(int spp, long seed, int threads) {
		return Renderer.render(scene, camera, SIZE, SIZE, Settings.defaults().withSpp(spp).withSeed(seed).withThreads(threads), ProgressListener.NONE,
				() -> false);
	}

	/** RMSE over the rows below the light (from SIZE / 4 down). */
	private static double rmseBelowTheLight(Image a, Image b) {
		double sum = 0;
		int n = 0;
		for (int y = SIZE / 4; y < SIZE; y++) {
			for (int x = 0; x < SIZE; x++) {
				for (int c = 0; c < 3; c++) {
					double d = a.get(x, y, c) - b.get(x, y, c);
					sum += d * d;
					n++;
				}
			}
		}
		return Math.sqrt(sum / n);
	}

	private static float[] pixel(Image image, int x, int y) {
		return new float[] { image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2) };
	}

	private static String str(float[] rgb) {
		return "(" + rgb[0] + ", " + rgb[1] + ", " + rgb[2] + ")";
	}
}
