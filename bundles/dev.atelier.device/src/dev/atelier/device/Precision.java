package dev.atelier.device;

import java.util.EnumSet;
import java.util.Set;

/** Number formats a device computes in natively. */
public enum Precision {
	FP32, TF32, FP16, BF16, INT8, FP8;

	/**
	 * What a CUDA device of this compute capability supports natively: FP16 arithmetic from 5.3, INT8 dot
	 * products (dp4a) from 6.1, TF32 and BF16 tensor cores from 8.0 (Ampere), FP8 tensor cores from 8.9 (Ada,
	 * Hopper and later).
	 */
	public static Set<Precision> forCuda(ComputeCapability cc) {
		Set<Precision> set = EnumSet.of(FP32);
		if (cc.atLeast(5, 3)) {
			set.add(FP16);
		}
		if (cc.atLeast(6, 1)) {
			set.add(INT8);
		}
		if (cc.atLeast(8, 0)) {
			set.add(TF32);
			set.add(BF16);
		}
		if (cc.atLeast(8, 9)) {
			set.add(FP8);
		}
		return set;
	}
}
