package dev.atelier.compute.internal.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order (halves folded onto each other), whichever tier of the JIT runs
 * it: {@code reduceLanes(ADD)} leaves the order open, and the interpreter's differs from C2's intrinsic, so the same
 * dot product came out an ulp apart from one call to the next and the same model gave different images in one process.
 */
final class LaneSums {

	static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

	/** Lane i takes lane i XOR k, for k = half the lanes, a quarter, … 1. */
	private static final VectorShuffle<Float>[] FOLDS = folds();

	private LaneSums() {
	}

	@SuppressWarnings("unchecked")
	private static VectorShuffle<Float>[] folds() {
		int steps = Integer.numberOfTrailingZeros(SPECIES.length());
		VectorShuffle<Float>[] folds = new VectorShuffle[steps];
		for (int s = 0; s < steps; s++) {
			int k = SPECIES.length() >> (s + 1);
			folds[s] = VectorShuffle.fromOp(SPECIES, i -> i ^ k);
		}
		return folds;
	}

	/** The lanes' sum of a vector of {@link #SPECIES}. */
	static float sum(FloatVector v) {
		for (VectorShuffle<Float> fold : FOLDS) {
			v = v.add(v.rearrange(fold));
		}
		return v.lane(0);
	}
}
