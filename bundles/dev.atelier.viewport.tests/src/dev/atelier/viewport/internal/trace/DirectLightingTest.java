package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.Test;

import dev.atelier.viewport.scene.Camera;
import dev.atelier.viewport.scene.Environment;
import dev.atelier.viewport.scene.Light;
import dev.atelier.viewport.scene.Material;
import dev.atelier.viewport.scene.Mesh;
import dev.atelier.viewport.scene.Scene;
import dev.atelier.viewport.scene.Texture;

/** A Lambertian floor (albedo 0.5, y = 0) under one light at a time, against the closed-form radiance. */
class DirectLightingTest {

	private static final float ALBEDO = 0.5f;
	private static final int SIZE = 32;
	/** Looking straight down from 3 m: every pixel sees a 5 cm patch of floor, small enough to compare at its centre. */
	private static final Camera ABOVE = new Camera("above", new float[] { 0, 3, 0 }, new float[] { 0, -1, 0 }, new float[] { 0, 0, -1 },
			(float) Math.toRadians(30), 0, 0.01f, 100);
	/** Looking down at 31° from below the area light's height, so that the light is out of the picture. */
	private static final Camera SIDE = Camera.lookAt("side", new float[] { 0, 0.9f, 1.5f }, new float[] { 0, 0, 0 }, (float) Math.toRadians(30));

	/** L = albedo/π · I cos θ / d² at every floor pixel, I = 10 cd at 1.5 m; the noise is the jitter's in the footprint. */
	@Test
	void floorUnderAPointLightHasTheInverseSquareCosineRadiance() {
		float[] light = { 0.3f, 1.5f, 0.2f };
		Scene scene = floor(List.of(new Light("point", Light.Type.POINT, new float[] { 1, 1, 1 }, 10, light, null, 0, 0, 0)), Environment.black());
		compare(scene, ABOVE, 64, 0.01, p -> {
			double dx = light[0] - p[0], dy = light[1], dz = light[2] - p[2];
			double d2 = dx * dx + dy * dy + dz * dz;
			return ALBEDO / Math.PI * 10 * (dy / Math.sqrt(d2)) / d2;
		});
	}

	/** L = albedo/π · E cos θ, the same at every floor pixel: exact up to float rounding. */
	@Test
	void floorUnderADirectionalLightHasTheCosineRadiance() {
		float[] direction = { 0.6f, -0.8f, 0 };
		Scene scene = floor(List.of(new Light("sun", Light.Type.DIRECTIONAL, new float[] { 1, 1, 1 }, 3, null, direction, 0, 0, 0)), Environment.black());
		compare(scene, ABOVE, 4, 1e-5, p -> ALBEDO / Math.PI * 3 * 0.8);
	}

	/** Inside the inner cone a spot light is a point light; past the outer cone it gives nothing. */
	@Test
	void spotLightIsAPointLightInsideItsConeAndDarkOutside() {
		float[] position = { 0, 2, 0 };
		Scene scene = floor(List.of(new Light("spot", Light.Type.SPOT, new float[] { 1, 1, 1 }, 10, position, new float[] { 0, -1, 0 }, 0,
				(float) Math.toRadians(15), (float) Math.toRadians(20))), Environment.black());
		double outer = 2 * Math.tan(Math.toRadians(20));
		double inner = 2 * Math.tan(Math.toRadians(15));
		compare(scene, ABOVE, 64, 0.01, p -> {
			double r = Math.hypot(p[0], p[2]);
			if (r > outer + 0.06) {
				return 0;
			}
			if (r < inner - 0.06) {
				double d2 = r * r + 4;
				return ALBEDO / Math.PI * 10 * (2 / Math.sqrt(d2)) / d2;
			}
			return Double.NaN;
		});
	}

	/**
	 * A 0.6 m square light of radiance 4 facing down 1 m above the floor: irradiance from Lambert's closed form for a
	 * uniform polygon, E = L/2 Σ γᵢ n·(aᵢ × bᵢ)/|aᵢ × bᵢ|. Tests light sampling by area, its solid-angle pdf and the MIS
	 * with BSDF sampling (both strategies see the light): a pixel's deviation is about 1.4 % at 256 spp, so within 8 %
	 * per pixel and 0.5 % on average.
	 */
	@Test
	void floorUnderASquareAreaLightHasLambertsPolygonIrradiance() {
		Material emitter = Material.lambertian("light", 0, 0, 0, new float[] { 4, 4, 4 });
		Mesh lamp = TestScenes.square("light", 0.3f, 1, false, 1);
		Scene scene = new Scene("area", List.of(TestScenes.square("floor", 20, 0, true, 0), lamp),
				List.of(Material.lambertian("floor", ALBEDO, ALBEDO, ALBEDO, null), emitter), List.of(), List.of(), Environment.black());
		float[][] corners = { { -0.3f, 1, -0.3f }, { -0.3f, 1, 0.3f }, { 0.3f, 1, 0.3f }, { 0.3f, 1, -0.3f } };
		double ratio = compare(scene, SIDE, 256, 0.08, p -> ALBEDO / Math.PI * 4 * polygonIrradianceFactor(p, corners));
		assertEquals(1, ratio, 0.005, "mean ratio of rendered to expected radiance");
	}

	/**
	 * An equirectangular sky (a bright sun-like blob, a gradient and a black band) lights the floor with the cosine-
	 * weighted integral of its upper half, here integrated on a fine grid with the map's own bilinear lookups; the
	 * renderer importance-samples the map and weighs it against BSDF samples. Every floor pixel has the same value;
	 * one sample's relative deviation is about 0.8 (half the map lies below the floor), so at 256 spp a pixel is
	 * within 30 % (6σ) and the mean over 1024 pixels within 1 %.
	 */
	@Test
	void floorUnderAnEnvironmentMapGetsItsCosineWeightedIntegral() {
		int w = 64, h = 32;
		float[] rgba = new float[4 * w * h];
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				int i = 4 * (y * w + x);
				double blob = Math.exp(-((x - 40) * (x - 40) + (y - 8) * (y - 8)) / 4.0) * 40;
				float band = y >= 12 && y < 14 ? 0 : 1;
				rgba[i] = (float) (blob + 0.3 + 0.5 * y / h) * band;
				rgba[i + 1] = (float) (blob * 0.8 + 0.4) * band;
				rgba[i + 2] = (float) (blob * 0.5 + 0.6 - 0.3 * y / h) * band;
				rgba[i + 3] = 1;
			}
		}
		Texture map = new Texture("sky", w, h, rgba, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE);
		Scene scene = floor(List.of(), new Environment(new float[] { 1, 1, 1 }, map, 1.5f));
		double[] irradiance = new double[3];
		int steps = 1024;
		float[] texel = new float[4];
		for (int i = 0; i < steps / 2; i++) {
			double theta = Math.PI * (i + 0.5) / steps;
			for (int j = 0; j < steps; j++) {
				map.sample((float) ((j + 0.5) / steps), (float) ((i + 0.5) / steps), texel);
				double weight = Math.cos(theta) * Math.sin(theta) * (Math.PI / steps) * (2 * Math.PI / steps) * 1.5;
				for (int c = 0; c < 3; c++) {
					irradiance[c] += texel[c] * weight;
				}
			}
		}
		double expected = ALBEDO / Math.PI * irradiance[1];
		double ratio = compare(scene, ABOVE, 256, 0.3, p -> expected);
		assertEquals(1, ratio, 0.01, "mean ratio of rendered to expected radiance");
	}

	/** The environment map's sampling pdf integrates to 1 over the sphere, and sampled directions report their pdf. */
	@Test
	void environmentMapSamplingReportsThePdfItSamplesBy() {
		int w = 32, h = 16;
		float[] rgba = new float[4 * w * h];
		for (int i = 0; i < w * h; i++) {
			float v = (i % 7) + (i % 5 == 0 ? 20 : 0);
			rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = v;
		}
		Texture map = new Texture("map", w, h, rgba, Texture.Wrap.REPEAT, Texture.Wrap.CLAMP_TO_EDGE);
		FlatScene scene = FlatScene.of(new Scene("env", List.of(), List.of(), List.of(), List.of(), new Environment(new float[] { 1, 1, 1 }, map, 1)));
		EnvironmentLight environment = new EnvironmentLight(scene);
		int steps = 512;
		double integral = 0;
		for (int i = 0; i < steps; i++) {
			double theta = Math.PI * (i + 0.5) / steps;
			for (int j = 0; j < 2 * steps; j++) {
				double phi = Math.PI * (j + 0.5) / steps;
				float x = (float) (Math.sin(theta) * Math.cos(phi)), y = (float) Math.cos(theta), z = (float) (Math.sin(theta) * Math.sin(phi));
				integral += environment.pdf(x, y, z) * Math.sin(theta) * (Math.PI / steps) * (Math.PI / steps);
			}
		}
		assertEquals(1, integral, 0.01, "∫ pdf dω");
		Rng rng = new Rng();
		rng.reset(1, 2, 3);
		int mismatches = 0;
		for (int i = 0; i < 10_000; i++) {
			environment.sample(rng.nextFloat(), rng.nextFloat());
			float pdf = environment.pdf;
			if (Math.abs(environment.pdf(environment.x, environment.y, environment.z) - pdf) > 1e-3 * pdf) {
				mismatches++;
			}
		}
		assertTrue(mismatches < 50, mismatches + " samples whose direction maps back to another cell");
	}

	/**
	 * Renders 32×32 with the given spp and compares each floor pixel with the expectation averaged over its footprint
	 * (4 × 4 points; NaN anywhere: not checked) within a relative tolerance; returns the mean ratio of rendered to
	 * expected radiance over the lit pixels.
	 */
	private static double compare(Scene scene, Camera camera, int spp, double tolerance, ToDoubleFunction<double[]> expected) {
		RenderResult result = Renderer.render(scene, camera, SIZE, SIZE, Settings.defaults().withSpp(spp).withMaxBounces(4), ProgressListener.NONE, () -> false);
		PinholeCamera pinhole = new PinholeCamera(camera, SIZE, SIZE);
		float[] d = new float[3];
		double ratioSum = 0;
		int lit = 0;
		int compared = 0;
		for (int y = 0; y < SIZE; y++) {
			for (int x = 0; x < SIZE; x++) {
				double value = 0;
				for (int k = 0; k < 16; k++) {
					pinhole.direction(x + (k % 4 + 0.5f) / 4, y + (k / 4 + 0.5f) / 4, d);
					double t = -pinhole.originY / d[1];
					value += d[1] < 0 ? expected.applyAsDouble(new double[] { pinhole.originX + t * d[0], 0, pinhole.originZ + t * d[2] }) / 16 : Double.NaN;
				}
				if (Double.isNaN(value)) {
					continue;
				}
				double rendered = result.color().get(x, y, 1);
				assertEquals(value, rendered, tolerance * value + 1e-6, "pixel (" + x + ", " + y + ")");
				compared++;
				if (value > 0) {
					ratioSum += rendered / value;
					lit++;
				}
			}
		}
		assertTrue(compared > SIZE * SIZE / 3, compared + " pixels compared");
		return ratioSum / lit;
	}

	/** The floor under the given lights and environment (no other geometry). */
	private static Scene floor(List<Light> lights, Environment environment) {
		return new Scene("floor", List.of(TestScenes.square("floor", 20, 0, true, 0)), List.of(Material.lambertian("floor", ALBEDO, ALBEDO, ALBEDO, null)),
				lights, List.of(), environment);
	}

	/** E / L for a uniform Lambertian polygon seen from p on the floor (normal +y): ½ Σ γᵢ (n · unit(aᵢ × bᵢ)). */
	private static double polygonIrradianceFactor(double[] p, float[][] corners) {
		double sum = 0;
		for (int i = 0; i < corners.length; i++) {
			float[] c0 = corners[i];
			float[] c1 = corners[(i + 1) % corners.length];
			double ax = c0[0] - p[0], ay = c0[1] - p[1], az = c0[2] - p[2];
			double bx = c1[0] - p[0], by = c1[1] - p[1], bz = c1[2] - p[2];
			double cx = ay * bz - az * by, cy = az * bx - ax * bz, cz = ax * by - ay * bx;
			double gamma = Math.acos((ax * bx + ay * by + az * bz) / Math.sqrt((ax * ax + ay * ay + az * az) * (bx * bx + by * by + bz * bz)));
			sum += gamma * cy / Math.sqrt(cx * cx + cy * cy + cz * cz);
		}
		return Math.abs(sum) / 2;
	}
}
