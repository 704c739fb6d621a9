package dev.atelier.llm.internal.engine;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Perplexity as llama.cpp's {@code llama-perplexity} measures it: the text's tokens (BOS first where the vocabulary
 * adds one) are cut into chunks of {@code ctx} tokens, each chunk's first token becomes BOS where the vocabulary adds
 * one, each chunk runs from position 0, and only its second half is scored — the logits after positions ctx/2 …
 * ctx-2 predict tokens ctx/2+1 … ctx-1, so ctx/2 - 1 scores a chunk. PPL = exp(mean NLL) and its uncertainty is
 * PPL × the standard error of the mean NLL.
 * <p>
 * With a base model the same positions also give the mean KL divergence KL(base ‖ model) of the two distributions
 * (as llama.cpp's {@code --kl-divergence}, here from the base's exact log-probabilities rather than its 16-bit
 * file) and how often both put the same token first.
 */
public final class Perplexity {

	private Perplexity() {
	}

	/** Hears a run's progress: tokens evaluated so far, and each chunk's running estimate. */
	public interface Listener {
		void evaluated(long tokens, long total);

		void chunk(int chunk, int chunks, double runningPpl);
	}

	/** A mean and its standard error, as llama.cpp states each statistic. */
	public record Estimate(double value, double error) {
	}

	/** Against the base model: the mean KL divergence, the share of positions whose top token agrees (0…1), the base's PPL. */
	public record Comparison(Estimate klDivergence, Estimate topAgreement, Estimate basePpl) {
	}

	public record Result(int chunks, int scored, Estimate ppl, Optional<Comparison> comparison) {
	}

	/** The fewest tokens a text needs for a context of {@code ctx}: two chunks, as llama.cpp asks. */
	public static int tokensNeeded(int ctx) {
		return 2 * ctx;
	}

	/** Checks a context size: even (its halves are context and scored) and at least 8. */
	public static void checkContext(int ctx) {
		if (ctx < 8 || ctx % 2 != 0) {
			throw new IllegalArgumentException("--ctx: " + ctx + " is not an even number of at least 8");
		}
	}

	/**
	 * Measures {@code model} on {@code tokens} (the whole text's ids, BOS already first where the vocabulary adds one)
	 * over {@code maxChunks} chunks at most (all with 0 or less).
	 *
	 * @param base a model of the same vocabulary to compare with, or null
	 * @throws CancellationException when {@code cancelled} says so between batches
	 */
	public static Result measure(Llama model, Llama base, int[] tokens, OptionalInt bos, int ctx, int maxChunks, Listener listener,
			BooleanSupplier cancelled) {
		checkContext(ctx);
		if (tokens.length < tokensNeeded(ctx)) {
			throw new IllegalArgumentException("the text has " + tokens.length + " tokens; a context of " + ctx + " needs at least " + tokensNeeded(ctx));
		}
		int vocab = model.config().vocab();
		if (base != null && base.config().vocab() != vocab) {
			throw new IllegalArgumentException("the base model's vocabulary has " + base.config().vocab() + " tokens, the model's " + vocab);
		}
		int available = tokens.length / ctx;
		int chunks = maxChunks <= 0 ? available : Math.min(maxChunks, available);
		int first = ctx / 2;
		int scoredPerChunk = ctx - first - 1;
		long total = (long) chunks * ctx * (base == null ? 1 : 2);
		long[] done = { 0 };
		Moments nll = new Moments();
		Moments baseNll = new Moments();
		Moments kl = new Moments();
		long[] sameTop = { 0 };
		// per scored position of a chunk: the base's log-probabilities and its top token
		float[][] baseLogProbs = base == null ? null : new float[scoredPerChunk][vocab];
		int[] baseTop = base == null ? null : new int[scoredPerChunk];
		for (int c = 0; c < chunks; c++) {
			int start = c * ctx;
			int[] chunk = java.util.Arrays.copyOfRange(tokens, start, start + ctx);
			if (bos.isPresent()) {
				chunk[0] = bos.getAsInt();
			}
			if (base != null) {
				base.forward(chunk, 0, first, (index, logits) -> {
					check(cancelled);
					if (index == ctx - 1) {
						return; // nothing follows the chunk's last token
					}
					int i = index - first;
					double logSum = logSumExp(logits);
					float[] row = baseLogProbs[i];
					int top = 0;
					for (int v = 0; v < vocab; v++) {
						row[v] = (float) (logits[v] - logSum);
						if (logits[v] > logits[top]) {
							top = v;
						}
					}
					baseTop[i] = top;
					baseNll.add(logSum - logits[chunk[index + 1]]);
				});
				done[0] += ctx;
				listener.evaluated(done[0], total);
			}
			model.forward(chunk, 0, first, (index, logits) -> {
				check(cancelled);
				if (index == ctx - 1) {
					return;
				}
				double logSum = logSumExp(logits);
				nll.add(logSum - logits[chunk[index + 1]]);
				if (base != null) {
					int i = index - first;
					float[] p = baseLogProbs[i];
					double divergence = 0;
					int top = 0;
					for (int v = 0; v < vocab; v++) {
						double logP = p[v];
						divergence += Math.exp(logP) * (logP - (float) (logits[v] - logSum)); // rounded as the base's, so equal models give 0
						if (logits[v] > logits[top]) {
							top = v;
						}
					}
					kl.add(divergence);
					if (top == baseTop[i]) {
						sameTop[0]++;
					}
				}
			});
			done[0] += ctx;
			listener.evaluated(done[0], total);
			listener.chunk(c + 1, chunks, Math.exp(nll.mean()));
		}
		Optional<Comparison> comparison = Optional.empty();
		if (base != null) {
			double share = (double) sameTop[0] / kl.count;
			comparison = Optional.of(new Comparison(new Estimate(kl.mean(), kl.error()),
					new Estimate(share, Math.sqrt(share * (1 - share) / (kl.count - 1))), ppl(baseNll)));
		}
		return new Result(chunks, (int) nll.count, ppl(nll), comparison);
	}

	private static Estimate ppl(Moments nll) {
		double ppl = Math.exp(nll.mean());
		return new Estimate(ppl, ppl * nll.error());
	}

	private static void check(BooleanSupplier cancelled) {
		if (cancelled.getAsBoolean()) {
			throw new CancellationException("perplexity cancelled");
		}
	}

	/** log Σ exp(logits), shifted by the largest for range. */
	static double logSumExp(float[] logits) {
		float max = logits[0];
		for (float l : logits) {
			max = Math.max(max, l);
		}
		double sum = 0;
		for (float l : logits) {
			sum += Math.exp(l - max);
		}
		return max + Math.log(sum);
	}

	/** Sum and sum of squares of a sample, for its mean and the mean's standard error. */
	private static final class Moments {
		double sum;
		double sum2;
		long count;

		void add(double v) {
			sum += v;
			sum2 += v * v;
			count++;
		}

		double mean() {
			return sum / count;
		}

		/** sqrt(variance / (n - 1)) with the population variance, as llama.cpp does; 0 where it is not positive. */
		double error() {
			double mean = mean();
			double variance = sum2 / count - mean * mean;
			return variance > 0 && count > 1 ? Math.sqrt(variance / (count - 1)) : 0;
		}
	}
}
