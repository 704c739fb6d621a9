package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.atelier.llm.Sampling;
import dev.atelier.llm.internal.engine.TokenSampler;

class TokenSamplerTest {

	private static Set<Integer> draws(Sampling base, float[] logits, List<Integer> history) {
		Set<Integer> seen = new HashSet<>();
		for (long seed = 0; seed < 200; seed++) {
			Sampling s = new Sampling(base.temperature(), base.topK(), base.topP(), base.minP(), base.repetitionPenalty(), seed);
			seen.add(new TokenSampler(s).next(logits.clone(), history));
		}
		return seen;
	}

	@Test
	void repetitionPenaltyMakesSeenTokensLessLikely() {
		float[] logits = { 2.0f, 1.9f, -1f };
		assertEquals(0, new TokenSampler(Sampling.greedy()).next(logits.clone(), List.of(0)));
		assertEquals(1, new TokenSampler(new Sampling(0, 0, 1, 0, 1.5, 0)).next(logits.clone(), List.of(0)), "2.0 / 1.5 falls below 1.9");
		float[] negative = { -1f, -1.2f };
		assertEquals(1, new TokenSampler(new Sampling(0, 0, 1, 0, 1.5, 0)).next(negative, List.of(0)), "a negative logit is multiplied");
	}

	@Test
	void topKTopPAndMinPCutTheCandidates() {
		float[] logits = { 3f, 2.5f, 2.4f, 0f, -2f };
		assertEquals(Set.of(0, 1, 2, 3, 4), draws(new Sampling(3.0, 0, 1, 0, 1, 0), logits, List.of()), "hot and uncut: every token can come");
		assertEquals(Set.of(0, 1), draws(new Sampling(3.0, 2, 1, 0, 1, 0), logits, List.of()));
		// At temperature 1 the probabilities are about 0.45, 0.27, 0.25, 0.02, 0.003.
		assertEquals(Set.of(0, 1), draws(new Sampling(1.0, 0, 0.6, 0, 1, 0), logits, List.of()), "top-p 0.6 keeps the first two");
		assertEquals(Set.of(0, 1, 2), draws(new Sampling(1.0, 0, 1, 0.2, 1, 0), logits, List.of()), "min-p 0.2 drops what is under 0.09");
		assertTrue(draws(new Sampling(0.01, 0, 1, 0, 1, 0), logits, List.of()).equals(Set.of(0)), "nearly cold is nearly greedy");
	}
}
