package dev.atelier.llm.internal.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntPredicate;

import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;

/**
 * Continuous batching: the answers of concurrent callers of one model decoded together, one token of each per
 * {@link Llama#decode} step, so that each weight matrix is read once per step for all of them. A caller's prompt runs
 * in a free cache slot between steps, then its answer joins the batch; it leaves when it ends (a stop token, its
 * budget, the end of the context) or its caller stops it (the sink says no, or {@code cancelled}), and its slot goes
 * to the next caller, who waits while all {@link Llama#sequences()} are taken. One thread (started when work comes,
 * ended when none is left) runs the model; each caller's tokens are handed to its own thread, so a slow client holds
 * up only its own answer. Each answer has its own sampler and history, seeded as its request says: it is what
 * {@link Generator#generate} gives for it alone, where the compute's products do not depend on the batch's other rows.
 */
public final class DecodeBatch {

	/** How often a waiting caller looks whether it was cancelled. */
	private static final long POLL_MILLIS = 20;
	private static final Object END = new Object();

	private final Llama model;
	private final Executor runner;
	private final Object lock = new Object();
	/** Guarded by lock: which cache slots an answer holds, the answers whose prompts are to run, whether the model runs. */
	private final boolean[] taken;
	private final Deque<Answer> joining = new ArrayDeque<>();
	private boolean driving;
	private long steps;
	private long batchedRows;

	/** Runs the model on a thread of its own while there is work. */
	public DecodeBatch(Llama model) {
		this(model, work -> Thread.ofPlatform().daemon().name("atelier llm decode batch").start(work));
	}

	/** Runs the model on {@code runner} (one task at a time: a new one only after the last has returned). */
	public DecodeBatch(Llama model, Executor runner) {
		this.model = model;
		this.runner = runner;
		this.taken = new boolean[model.sequences()];
	}

	/** One caller's answer: its decoding, and what the running thread hands the caller (token ids, END, a failure). */
	private static final class Answer {
		final Decoding decoding;
		final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
		/** Set by the caller when it stops listening; the answer leaves the batch before the next step. */
		volatile boolean left;
		/** Set by the running thread once the answer has ended. */
		boolean ended;

		Answer(Decoding decoding) {
			this.decoding = decoding;
		}
	}

	/**
	 * Generates as {@link Generator#generate} does, {@code sink} called on the caller's thread, beside the answers of
	 * other callers; waits for a free slot first (while not cancelled). Failures of the model reach every caller whose
	 * answer was running.
	 */
	public Usage generate(List<Integer> prompt, int maxTokens, Sampling sampling, Set<Integer> stopTokens, IntPredicate sink,
			BooleanSupplier cancelled) {
		long start = System.nanoTime();
		int slot = takeSlot(cancelled);
		if (slot < 0) {
			return new Usage(prompt.size(), 0, Double.NaN, Double.NaN);
		}
		Answer answer;
		try {
			answer = new Answer(new Decoding(model, slot, prompt, maxTokens, sampling, stopTokens));
		} catch (RuntimeException e) {
			free(slot);
			throw e;
		}
		boolean idle;
		synchronized (lock) {
			joining.add(answer);
			idle = !driving;
			driving = true;
		}
		if (idle) {
			runner.execute(this::drive);
		}
		// the tokens the caller took: the running thread may have sampled more before it saw the caller leave
		int generated = 0;
		try {
			while (!cancelled.getAsBoolean()) {
				Object event = answer.events.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
				if (event == END) {
					break;
				}
				if (event instanceof Integer token) {
					generated++;
					if (!sink.test(token)) {
						break;
					}
				}
				if (event instanceof RuntimeException e) {
					throw e;
				}
				if (event instanceof Error e) {
					throw e;
				}
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} finally {
			answer.left = true;
		}
		// the first token's time was set before that token was queued, which the caller has taken where generated > 0
		return Generator.usage(prompt.size(), generated, generated == 0 ? 0 : answer.decoding.firstTokenNanos(), start, System.nanoTime());
	}

	/** Answers whose prompts wait for the next step to run. */
	public int waiting() {
		synchronized (lock) {
			return joining.size();
		}
	}

	/** Decode steps run so far, and the rows they held: their ratio is the mean batch. */
	public long[] steps() {
		synchronized (lock) {
			return new long[] { steps, batchedRows };
		}
	}

	private int takeSlot(BooleanSupplier cancelled) {
		synchronized (lock) {
			while (true) {
				for (int s = 0; s < taken.length; s++) {
					if (!taken[s]) {
						taken[s] = true;
						return s;
					}
				}
				if (cancelled.getAsBoolean()) {
					return -1;
				}
				try {
					lock.wait(POLL_MILLIS);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return -1;
				}
			}
		}
	}

	private void free(int slot) {
		synchronized (lock) {
			taken[slot] = false;
			lock.notifyAll();
		}
	}

	/** The running thread: new prompts between steps, then one step of every answer still running, until none is left. */
	private void drive() {
		List<Answer> running = new ArrayList<>();
		try {
			while (true) {
				List<Answer> joined;
				synchronized (lock) {
					if (running.isEmpty() && joining.isEmpty()) {
						driving = false;
						return;
					}
					joined = new ArrayList<>(joining);
					joining.clear();
				}
				running.addAll(joined);
				for (Answer a : joined) {
					if (a.left) {
						end(a);
						continue;
					}
					a.decoding.prefill();
					next(a, 0);
				}
				for (Answer a : running) {
					if (a.left && !a.ended) {
						end(a);
					}
				}
				running.removeIf(a -> a.ended);
				if (running.isEmpty()) {
					continue;
				}
				int n = running.size();
				int[] slots = new int[n];
				int[] tokens = new int[n];
				int[] positions = new int[n];
				for (int i = 0; i < n; i++) {
					Decoding d = running.get(i).decoding;
					slots[i] = d.slot;
					tokens[i] = d.last();
					positions[i] = d.advance();
				}
				model.decode(slots, tokens, positions);
				synchronized (lock) {
					steps++;
					batchedRows += n;
				}
				for (int i = 0; i < n; i++) {
					next(running.get(i), i);
				}
				running.removeIf(a -> a.ended);
			}
		} catch (RuntimeException | Error e) {
			synchronized (lock) {
				running.addAll(joining);
				joining.clear();
				driving = false;
			}
			for (Answer a : running) {
				if (!a.ended) {
					a.events.add(e);
					a.ended = true;
					free(a.decoding.slot);
				}
			}
		}
	}

	/** The answer's next token from row {@code row} of the last step's logits, handed to its caller; ends it where it ends. */
	private void next(Answer a, int row) {
		int token = a.decoding.next(row);
		if (token >= 0) {
			a.events.add(token);
		}
		if (token < 0 || !a.decoding.continues()) {
			end(a);
		}
	}

	private void end(Answer a) {
		a.ended = true;
		a.events.add(END);
		free(a.decoding.slot);
	}
}
