package dev.atelier.llm.internal.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.atelier.llm.Sampling;

/**
 * One answer's decoding: its prompt, cache slot, sampler (seeded as the request says) and history, the position of
 * its next token and the tokens it has generated. {@link Generator} runs one alone, {@link DecodeBatch} several side
 * by side; the rules of when an answer ends are these in both.
 */
final class Decoding {

	private final Llama model;
	final int slot;
	private final int[] prompt;
	private final int maxTokens;
	private final Set<Integer> stopTokens;
	private final TokenSampler sampler;
	private final List<Integer> history;
	private int pos;
	private int generated;
	/** When the first token was sampled; 0 before. */
	private long first;

	Decoding(Llama model, int slot, List<Integer> prompt, int maxTokens, Sampling sampling, Set<Integer> stopTokens) {
		if (prompt.isEmpty()) {
			throw new IllegalArgumentException("the prompt has no tokens");
		}
		int context = model.contextLength();
		if (prompt.size() >= context) {
			throw new IllegalArgumentException("the prompt has " + prompt.size() + " tokens; the model's context holds " + context);
		}
		this.model = model;
		this.slot = slot;
		this.prompt = prompt.stream().mapToInt(Integer::intValue).toArray();
		this.maxTokens = maxTokens;
		this.stopTokens = stopTokens;
		this.sampler = new TokenSampler(sampling);
		this.history = new ArrayList<>(prompt);
		this.pos = prompt.size();
	}

	/** Runs the prompt in the slot: its logits in row 0 for {@link #next}. */
	void prefill() {
		model.run(slot, prompt, 0);
	}

	/**
	 * The next token from the logits in {@code row}, counted as generated; −1 where the answer ends instead: its
	 * budget was spent, or the token is a stop token (not counted).
	 */
	int next(int row) {
		if (generated >= maxTokens) {
			return -1;
		}
		int token = model.sample(row, sampler, history);
		if (first == 0) {
			first = System.nanoTime();
		}
		if (stopTokens.contains(token)) {
			return -1;
		}
		generated++;
		history.add(token);
		return token;
	}

	/** Whether the answer goes on after its last token: budget left, and room in the context for that token. */
	boolean continues() {
		return generated < maxTokens && pos < model.contextLength();
	}

	/** The last token, to run next. */
	int last() {
		return history.getLast();
	}

	/** The position of the last token, which it runs at; the next one's after it. */
	int advance() {
		return pos++;
	}

	int generated() {
		return generated;
	}

	long firstTokenNanos() {
		return first;
	}
}
