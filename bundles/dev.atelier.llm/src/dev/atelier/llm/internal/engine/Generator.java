package dev.atelier.llm.internal.engine;

import java.util.ArrayList;
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

	public static Usage generate(Llama model, List<Integer> prompt, int maxTokens, Sampling sampling, Set<Integer> stopTokens, IntPredicate sink,
			BooleanSupplier cancelled) {
		if (prompt.isEmpty()) {
			throw new IllegalArgumentException("the prompt has no tokens");
		}
		int context = model.contextLength();
		if (prompt.size() >= context) {
			throw new IllegalArgumentException("the prompt has " + prompt.size() + " tokens; the model's context holds " + context);
		}
		TokenSampler sampler = new TokenSampler(sampling);
		List<Integer> history = new ArrayList<>(prompt);
		long start = System.nanoTime();
		model.run(prompt.stream().mapToInt(Integer::intValue).toArray(), 0);
		long first = 0;
		int generated = 0;
		int pos = prompt.size();
		while (generated < maxTokens && !cancelled.getAsBoolean()) {
			int token = model.sample(sampler, history);
			if (generated == 0) {
				first = System.nanoTime();
			}
			if (stopTokens.contains(token)) {
				break;
			}
			generated++;
			history.add(token);
			if (!sink.test(token) || generated == maxTokens || pos >= context) {
				break;
			}
			model.run(new int[] { token }, pos++);
		}
		long end = System.nanoTime();
		double ttft = first == 0 ? Double.NaN : (first - start) / 1e6;
		double decode = generated > 1 ? (generated - 1) / ((end - first) / 1e9) : Double.NaN;
		return new Usage(prompt.size(), generated, ttft, decode);
	}
}
