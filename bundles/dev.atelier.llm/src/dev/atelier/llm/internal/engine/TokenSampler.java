package dev.atelier.llm.internal.engine;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.atelier.llm.Sampling;

/** Picks the next token from logits as {@link Sampling} describes; deterministic for a seed. */
public final class TokenSampler {

	private final Sampling sampling;
	/** SplittableRandom mixes its seed: java.util.Random's first draws for seeds 0, 1, 2 … are nearly the same. */
	private final SplittableRandom random;

	public TokenSampler(Sampling sampling) {
		this.sampling = sampling;
		this.random = new SplittableRandom(sampling.seed());
	}

	/** The next token; {@code logits} may be changed. {@code history} is the prompt and what was generated so far. */
	public int next(float[] logits, List<Integer> history) {
		if (sampling.repetitionPenalty() != 1) {
			float penalty = (float) sampling.repetitionPenalty();
			for (int token : history.stream().distinct().toList()) {
				logits[token] = logits[token] > 0 ? logits[token] / penalty : logits[token] * penalty;
			}
		}
		if (sampling.temperature() == 0) {
			return argmax(logits);
		}
		int n = logits.length;
		Integer[] order = new Integer[n];
		for (int i = 0; i < n; i++) {
			order[i] = i;
		}
		Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
		int keep = sampling.topK() > 0 ? Math.min(n, sampling.topK()) : n;
		float[] values = new float[keep];
		int[] indices = new int[keep];
		for (int i = 0; i < keep; i++) {
			indices[i] = order[i];
			values[i] = logits[order[i]];
		}
		return pick(values, indices);
	}

	/**
	 * How many of the largest logits this sampler needs, for the device to pick them: 1 (the argmax) where it is greedy,
	 * k for a top-k of at most 256; 0 where it needs every logit (a repetition penalty, no top-k or a larger one).
	 */
	public int candidates() {
		if (sampling.repetitionPenalty() != 1) {
			return 0;
		}
		if (sampling.temperature() == 0) {
			return 1;
		}
		return sampling.topK() > 0 && sampling.topK() <= 256 ? sampling.topK() : 0;
	}

	/**
	 * The next token from the {@link #candidates()} largest logits, largest first (ties: lower index first): the token
	 * {@link #next(float[], List)} picks from all of them.
	 */
	public int next(float[] values, int[] indices) {
		return sampling.temperature() == 0 ? indices[0] : pick(values, indices);
	}

	/** Temperature, top-p and min-p over the kept logits (sorted, largest first), then the seeded draw. */
	private int pick(float[] values, int[] indices) {
		int keep = values.length;
		double[] p = new double[keep];
		double max = values[0] / sampling.temperature();
		double sum = 0;
		for (int i = 0; i < keep; i++) {
			p[i] = Math.exp(values[i] / sampling.temperature() - max);
			sum += p[i];
		}
		// top-p: the smallest prefix whose probability reaches topP; min-p: drop what is below minP × the top one.
		double cumulative = 0;
		int cut = keep;
		for (int i = 0; i < keep; i++) {
			p[i] /= sum;
			if (p[i] < sampling.minP() * p[0]) {
				cut = Math.min(cut, i);
			}
		}
		for (int i = 0; i < cut; i++) {
			cumulative += p[i];
			if (cumulative >= sampling.topP()) {
				cut = i + 1;
				break;
			}
		}
		double total = 0;
		for (int i = 0; i < cut; i++) {
			total += p[i];
		}
		double r = random.nextDouble() * total;
		for (int i = 0; i < cut; i++) {
			r -= p[i];
			if (r <= 0) {
				return indices[i];
			}
		}
		return indices[cut - 1];
	}

	static int argmax(float[] logits) {
		int best = 0;
		for (int i = 1; i < logits.length; i++) {
			if (logits[i] > logits[best]) {
				best = i;
			}
		}
		return best;
	}
}
