package dev.atelier.llm.internal.engine;

import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;

/**
 * Runs a prompt through a model and generates up to {@code maxTokens} tokens, handing each to {@code sink} as it
 * comes. Stops at a stop token (not emitted), when the sink or {@code cancelled} says so, or at the end of the
 * context (the policy for a conversation longer than the context is the caller's; this never reads past it).
 */
public final class Generator {

	private Generator() {
	}

	/** One answer alone, in cache slot 0, on the caller's thread. */
	public static Usage generate(Llama model, List<Integer> prompt, int maxTokens, Sampling sampling, Set<Integer> stopTokens, IntPredicate sink,
			BooleanSupplier cancelled) {
		Decoding answer = new Decoding(model, 0, prompt, maxTokens, sampling, stopTokens);
		long start = System.nanoTime();
		answer.prefill();
		while (!cancelled.getAsBoolean()) {
			int token = answer.next(0);
			if (token < 0 || !sink.test(token) || !answer.continues()) {
				break;
			}
			model.run(new int[] { token }, answer.advance());
		}
		return usage(prompt.size(), answer.generated(), answer.firstTokenNanos(), start, System.nanoTime());
	}

	/**
	 * What an answer took: the time from {@code start} to its first token ({@code first}, 0 where none came), its
	 * decode rate from then up to {@code end}.
	 */
	static Usage usage(int promptTokens, int generated, long first, long start, long end) {
		double ttft = first == 0 ? Double.NaN : (first - start) / 1e6;
		double decode = generated > 1 ? (generated - 1) / ((end - first) / 1e9) : Double.NaN;
		return new Usage(promptTokens, generated, ttft, decode);
	}
}
