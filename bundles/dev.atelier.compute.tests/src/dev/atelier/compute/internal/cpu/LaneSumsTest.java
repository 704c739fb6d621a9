package dev.atelier.compute.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

import jdk.incubator.vector.FloatVector;

/**
 * Float dot products in one fixed order: the first call (interpreted) and the ten-thousandth (compiled by C2) give the
 * same bits, those of folding the lanes' halves onto each other.
 */
class LaneSumsTest {

	/** The fold LaneSums does, in scalar code: lane i += lane i ^ k for k = half the lanes, a quarter, … 1. */
	private static float folded(float[] lanes) {
		float[] a = lanes.clone();
		for (int k = a.length / 2; k >= 1; k /= 2) {
			float[] next = new float[a.length];
			for (int i = 0; i < a.length; i++) {
				next[i] = a[i] + a[i ^ k];
			}
			a = next;
		}
		return a[0];
	}

	@Test
	void dotProductsGiveTheSameBitsOnEveryCallWhicheverJitTierRunsThem() {
		Random random = new Random(11);
		int length = 16 * LaneSums.SPECIES.length() + 3;
		float[] a = new float[length];
		float[] b = new float[length];
		for (int i = 0; i < length; i++) {
			a[i] = (float) random.nextGaussian() * (1 << random.nextInt(12));
			b[i] = (float) random.nextGaussian();
		}
		float first = CpuCompute.dot(a, 0, b, 0, length);
		float[] lanes = new float[LaneSums.SPECIES.length()];
		for (int i = 0; i < lanes.length; i++) {
			lanes[i] = (float) random.nextGaussian() * (1 << random.nextInt(20));
		}
		float fold = folded(lanes);
		for (int call = 0; call < 20_000; call++) {
			assertEquals(Float.floatToRawIntBits(first), Float.floatToRawIntBits(CpuCompute.dot(a, 0, b, 0, length)), "call " + call);
			assertEquals(Float.floatToRawIntBits(fold), Float.floatToRawIntBits(LaneSums.sum(FloatVector.fromArray(LaneSums.SPECIES, lanes, 0))), "call " + call);
		}
	}
}
