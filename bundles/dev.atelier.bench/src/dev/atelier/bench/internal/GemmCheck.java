package dev.atelier.bench.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Checks C = A·Bᵀ (A, B and C row-major FP16) at sampled elements against a float64 dot product of the same inputs. */
final class GemmCheck {

	private GemmCheck() {
	}

	/** The largest |C − exact| over {@code samples} random elements, relative to the largest |exact| among them. */
	static double maxRelativeError(MemorySegment a, MemorySegment b, MemorySegment c, int n, int samples, Random random) {
		double maxError = 0;
		double maxExact = 0;
		for (int s = 0; s < samples; s++) {
			int row = random.nextInt(n);
			int col = random.nextInt(n);
			double exact = 0;
			for (int k = 0; k < n; k++) {
				exact += (double) half(a, (long) row * n + k) * half(b, (long) col * n + k);
			}
			maxError = Math.max(maxError, Math.abs(half(c, (long) row * n + col) - exact));
			maxExact = Math.max(maxExact, Math.abs(exact));
		}
		return maxExact == 0 ? maxError : maxError / maxExact;
	}

	private static float half(MemorySegment m, long index) {
		return Float.float16ToFloat(m.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, index));
	}
}
