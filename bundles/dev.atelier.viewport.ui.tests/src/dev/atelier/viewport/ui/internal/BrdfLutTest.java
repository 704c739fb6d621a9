package dev.atelier.viewport.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrdfLutTest {

	@Test
	void everyEntryIsAFractionAndTheLobeNeverReflectsMoreThanItReceives() {
		float[] t = BrdfLut.table();
		assertEquals(BrdfLut.SIZE * BrdfLut.SIZE * 2, t.length);
		for (int i = 0; i < t.length; i += 2) {
			assertTrue(t[i] >= 0 && t[i + 1] >= 0, "entry " + i / 2);
			assertTrue(t[i] + t[i + 1] <= 1.0001f, "entry " + i / 2 + ": A + B = " + (t[i] + t[i + 1]));
		}
	}

	@Test
	void aSmoothSurfaceSeenHeadOnReflectsF0() {
		float[] t = BrdfLut.table();
		int last = BrdfLut.SIZE - 1;
		// roughness row 0, n·v column last: A ≈ 1, B ≈ 0
		assertEquals(1, t[last * 2], 0.02);
		assertEquals(0, t[last * 2 + 1], 0.01);
	}

	@Test
	void fresnelsShareGrowsTowardsGrazingAngles() {
		double[] grazing = BrdfLut.integrate(0.05, 0.3, 1024);
		double[] headOn = BrdfLut.integrate(0.95, 0.3, 1024);
		assertTrue(grazing[1] > 5 * headOn[1], "B at grazing " + grazing[1] + " vs head on " + headOn[1]);
	}

	/** The importance-sampled integral against plain quadrature over the hemisphere of the same BRDF. */
	@ParameterizedTest
	@CsvSource({ "0.5, 0.5", "0.2, 0.9", "0.9, 0.35", "0.7, 1.0" })
	void importanceSamplingAgreesWithQuadrature(double nv, double roughness) {
		double[] sampled = BrdfLut.integrate(nv, roughness, 4096);
		double[] reference = quadrature(nv, roughness);
		assertEquals(reference[0], sampled[0], 0.01 + 0.01 * reference[0], "A");
		assertEquals(reference[1], sampled[1], 0.005 + 0.02 * reference[1], "B");
	}

	private static double[] quadrature(double nv, double roughness) {
		double alpha = Math.max(roughness * roughness, 1e-3);
		double alpha2 = alpha * alpha;
		double vx = Math.sqrt(1 - nv * nv);
		int nTheta = 800;
		int nPhi = 800;
		double a = 0;
		double b = 0;
		for (int i = 0; i < nTheta; i++) {
			double theta = (i + 0.5) / nTheta * Math.PI / 2;
			double dTheta = Math.PI / 2 / nTheta;
			for (int j = 0; j < nPhi; j++) {
				double phi = (j + 0.5) / nPhi * 2 * Math.PI;
				double dPhi = 2 * Math.PI / nPhi;
				double lx = Math.sin(theta) * Math.cos(phi);
				double ly = Math.sin(theta) * Math.sin(phi);
				double lz = Math.cos(theta);
				double hx = lx + vx;
				double hy = ly;
				double hz = lz + nv;
				double len = Math.sqrt(hx * hx + hy * hy + hz * hz);
				hx /= len;
				hy /= len;
				hz /= len;
				double vh = vx * hx + nv * hz;
				double d = hz * hz * (alpha2 - 1) + 1;
				double dist = alpha2 / (Math.PI * d * d);
				double f = dist * BrdfLut.visibility(nv, lz, alpha2) * lz * Math.sin(theta) * dTheta * dPhi;
				double fc = Math.pow(1 - vh, 5);
				a += (1 - fc) * f;
				b += fc * f;
			}
		}
		return new double[] { a, b };
	}
}
