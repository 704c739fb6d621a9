package dev.atelier.viewport.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class BsdfTest {

	private static final float[] ROUGHNESS = { 0.05f, 0.1f, 0.2f, 0.35f, 0.5f, 0.7f, 0.85f, 1 };
	private static final float[] COS_VIEW = { 0.05f, 0.2f, 0.4f, 0.6f, 0.8f, 1 };

	/**
	 * Directional albedo ∫ f cos dω estimated as the mean of value / pdf over 40 000 sampled directions, for a white
	 * metal (F = 1): it is E[G2 / G1] ≤ 1; single-scattering GGX loses most at roughness 1 and normal incidence,
	 * where the integral is 2(1 − ln 2)/2 ≈ 0.307.
	 */
	@Test
	void whiteMetalReflectsNoMoreThanItReceivesAtAnyRoughnessAndAngle() {
		SplittableRandom random = new SplittableRandom(1);
		for (float roughness : ROUGHNESS) {
			for (float cosView : COS_VIEW) {
				double albedo = directionalAlbedo(1, 1, 1, 1, roughness, 1, cosView, 40_000, random);
				String where = "roughness " + roughness + ", cos θv " + cosView;
				assertTrue(albedo <= 1.005, where + ": albedo " + albedo);
				assertTrue(albedo > 0.29, where + ": albedo " + albedo);
			}
		}
	}

	@Test
	void metalAtNormalIncidenceAndRoughnessOneMatchesTheClosedForm() {
		assertEquals(1 - Math.log(2), directionalAlbedo(1, 1, 1, 1, 1, 1, 1, 200_000, new SplittableRandom(12)), 0.003);
	}

	/**
	 * A white dielectric's diffuse layer gets what the specular lobe leaves (the tabulated albedo), so together they
	 * reflect everything at every angle: 1 within the table's interpolation (1 %).
	 */
	@Test
	void whiteDielectricReflectsAllItReceives() {
		SplittableRandom random = new SplittableRandom(2);
		for (float roughness : ROUGHNESS) {
			for (float cosView : COS_VIEW) {
				double albedo = directionalAlbedo(1, 1, 1, 0, roughness, 1, cosView, 40_000, random);
				assertEquals(1, albedo, 0.01, "roughness " + roughness + ", cos θv " + cosView);
			}
		}
	}

	/** The table holds what the sampler integrates: its entries equal Monte Carlo estimates of the dielectric lobe alone. */
	@Test
	void dielectricAlbedoTableMatchesTheLobe() {
		SplittableRandom random = new SplittableRandom(13);
		for (float roughness : new float[] { 0.1f, 0.5f, 1 }) {
			for (float cosView : new float[] { 0.1f, 0.5f, 1 }) {
				// base colour 0: only the specular lobe reflects
				double albedo = directionalAlbedo(0, 0, 0, 0, roughness, 1, cosView, 100_000, random);
				assertEquals(albedo, Bsdf.dielectricAlbedo(cosView, roughness), 0.004, "roughness " + roughness + ", cos θv " + cosView);
			}
		}
	}

	/** Without specular reflection the lobe is Lambert's, sampled by cosine: every sample's weight is the albedo. */
	@Test
	void lambertianSamplesWeighExactlyTheAlbedo() {
		Bsdf bsdf = new Bsdf();
		SplittableRandom random = new SplittableRandom(3);
		for (int i = 0; i < 1000; i++) {
			float[] v = direction((float) random.nextDouble(0.01, 1), random);
			bsdf.setUp(0.5f, 0.25f, 1, 0, 1, 0, v[2]);
			assertTrue(bsdf.sample(v[0], v[1], v[2], (float) random.nextDouble(), (float) random.nextDouble(), (float) random.nextDouble()));
			assertEquals(0.5f, bsdf.valueR / bsdf.pdf, 1e-5);
			assertEquals(0.25f, bsdf.valueG / bsdf.pdf, 1e-5);
			assertEquals(1f, bsdf.valueB / bsdf.pdf, 1e-5);
		}
	}

	/** The value and pdf that sampling reports are what evaluating the sampled direction gives. */
	@Test
	void sampledValuesAndPdfsEqualTheirEvaluation() {
		Bsdf bsdf = new Bsdf();
		SplittableRandom random = new SplittableRandom(4);
		for (int i = 0; i < 20_000; i++) {
			float[] v = direction((float) random.nextDouble(0.02, 1), random);
			float metallic = (float) random.nextDouble();
			bsdf.setUp(0.9f, 0.6f, 0.3f, metallic, (float) random.nextDouble(0.05, 1), 1, v[2]);
			if (!bsdf.sample(v[0], v[1], v[2], (float) random.nextDouble(), (float) random.nextDouble(), (float) random.nextDouble())) {
				continue;
			}
			float wx = bsdf.wx, wy = bsdf.wy, wz = bsdf.wz;
			float r = bsdf.valueR, g = bsdf.valueG, b = bsdf.valueB, pdf = bsdf.pdf;
			assertEquals(1, wx * wx + wy * wy + wz * wz, 1e-4, "unit direction");
			bsdf.eval(v[0], v[1], v[2], wx, wy, wz);
			assertEquals(pdf, bsdf.pdf, 1e-6 * pdf);
			assertEquals(r, bsdf.valueR, 1e-6 * r);
			assertEquals(g, bsdf.valueG, 1e-6 * g);
			assertEquals(b, bsdf.valueB, 1e-6 * b);
		}
	}

	/** The specular lobe is reciprocal, f(v, l) = f(l, v): eval returns f cos θl, so value(v, l) / l.z = value(l, v) / v.z. */
	@Test
	void metalsAreReciprocal() {
		Bsdf bsdf = new Bsdf();
		SplittableRandom random = new SplittableRandom(5);
		for (int i = 0; i < 5_000; i++) {
			float[] v = direction((float) random.nextDouble(0.05, 1), random);
			float[] l = direction((float) random.nextDouble(0.05, 1), random);
			float roughness = (float) random.nextDouble(0.1, 1);
			bsdf.setUp(0.8f, 0.5f, 0.2f, 1, roughness, 1, v[2]);
			bsdf.eval(v[0], v[1], v[2], l[0], l[1], l[2]);
			float forward = bsdf.valueG / l[2];
			bsdf.setUp(0.8f, 0.5f, 0.2f, 1, roughness, 1, l[2]);
			bsdf.eval(l[0], l[1], l[2], v[0], v[1], v[2]);
			assertEquals(forward, bsdf.valueG / v[2], 2e-4 * forward + 1e-7);
		}
	}

	/**
	 * The pdf over the upper hemisphere, integrated by a 256 × 256 midpoint rule in (cos θ, φ), equals the fraction
	 * of 200 000 samples that land there (the rest fall below the surface and are void); and the samples' histogram
	 * over 8 × 8 cells follows the pdf integrated over each cell (within 5 standard deviations plus 0.2 %).
	 */
	@Test
	void samplesAreDistributedAsThePdfSays() {
		Bsdf bsdf = new Bsdf();
		SplittableRandom random = new SplittableRandom(6);
		float[][] cases = { { 0, 0.3f, 0.9f }, { 1, 0.3f, 0.5f }, { 1, 0.6f, 0.15f }, { 0.5f, 0.8f, 0.3f }, { 0, 1, 1 } };
		int cells = 8;
		int samples = 200_000;
		for (float[] c : cases) {
			float[] v = { (float) Math.sqrt(1 - c[2] * c[2]), 0, c[2] };
			bsdf.setUp(0.7f, 0.7f, 0.7f, c[0], c[1], 1, v[2]);
			double[] expected = new double[cells * cells];
			int steps = 256;
			double total = 0;
			for (int i = 0; i < steps; i++) {
				double cos = (i + 0.5) / steps;
				double sin = Math.sqrt(1 - cos * cos);
				for (int j = 0; j < steps; j++) {
					double phi = 2 * Math.PI * (j + 0.5) / steps;
					bsdf.eval(v[0], v[1], v[2], (float) (sin * Math.cos(phi)), (float) (sin * Math.sin(phi)), (float) cos);
					double mass = bsdf.pdf * (1.0 / steps) * (2 * Math.PI / steps);
					expected[(i * cells / steps) * cells + j * cells / steps] += mass;
					total += mass;
				}
			}
			int[] histogram = new int[cells * cells];
			int valid = 0;
			for (int s = 0; s < samples; s++) {
				if (bsdf.sample(v[0], v[1], v[2], (float) random.nextDouble(), (float) random.nextDouble(), (float) random.nextDouble())) {
					valid++;
					double phi = Math.atan2(bsdf.wy, bsdf.wx);
					phi = phi < 0 ? phi + 2 * Math.PI : phi;
					int ci = Math.min((int) (bsdf.wz * cells), cells - 1);
					int cj = Math.min((int) (phi / (2 * Math.PI) * cells), cells - 1);
					histogram[ci * cells + cj]++;
				}
			}
			String where = "metallic " + c[0] + ", roughness " + c[1] + ", cos θv " + c[2];
			assertEquals((double) valid / samples, total, 0.01, where + ": pdf mass over the hemisphere");
			for (int k = 0; k < cells * cells; k++) {
				double p = expected[k];
				double sigma = Math.sqrt(samples * p * (1 - p));
				assertEquals(samples * p, histogram[k], 5 * sigma + 0.002 * samples, where + ": cell " + k);
			}
		}
	}

	private static double directionalAlbedo(float r, float g, float b, float metallic, float roughness, float specular, float cosView, int samples,
			SplittableRandom random) {
		Bsdf bsdf = new Bsdf();
		float[] v = { (float) Math.sqrt(1 - cosView * cosView), 0, cosView };
		bsdf.setUp(r, g, b, metallic, roughness, specular, cosView);
		double sum = 0;
		for (int i = 0; i < samples; i++) {
			if (bsdf.sample(v[0], v[1], v[2], (float) random.nextDouble(), (float) random.nextDouble(), (float) random.nextDouble())) {
				sum += bsdf.valueG / bsdf.pdf;
			}
		}
		return sum / samples;
	}

	/** A unit direction with the given z and a random azimuth. */
	private static float[] direction(float z, SplittableRandom random) {
		double phi = 2 * Math.PI * random.nextDouble();
		float s = (float) Math.sqrt(1 - z * z);
		return new float[] { s * (float) Math.cos(phi), s * (float) Math.sin(phi), z };
	}
}
