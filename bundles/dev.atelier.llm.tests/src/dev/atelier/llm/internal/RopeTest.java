package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.atelier.llm.internal.engine.LlamaConfig;

class RopeTest {

	@Test
	void frequenciesFollowThetaLinearScalingAndPerPairFactors() {
		// head size 8: four pairs, θ^(−2j/8).
		LlamaConfig plain = new LlamaConfig(16, 32, 1, 2, 1, 10, 64, 1e-5f, 10_000f);
		assertArrayEquals(new double[] { 1, 0.1, 0.01, 0.001 }, plain.ropeFrequencies(), 1e-12);
		LlamaConfig scaled = new LlamaConfig(16, 32, 1, 2, 1, 10, 64, 1e-5f, 10_000f, 0.25f, new float[] { 1, 2, 4, 8 });
		assertArrayEquals(new double[] { 0.25, 0.0125, 0.000625, 0.00003125 }, scaled.ropeFrequencies(), 1e-12);
		assertThrows(IllegalArgumentException.class, () -> new LlamaConfig(16, 32, 1, 2, 1, 10, 64, 1e-5f, 10_000f, 1f, new float[3]));
	}
}
