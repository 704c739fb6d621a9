package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.engine.DecodeBatch;
import dev.atelier.llm.internal.engine.Generator;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.engine.SyntheticModel;

/**
 * Continuous batching on the CPU backend with a tiny synthesized model: several sequences decoded in one batch, each
 * in its own cache slot, give each the logits and tokens it gets alone, as sequences join and leave between steps and
 * as clients stop listening. The CPU backend's row products do not depend on the batch's other rows, but its Vector
 * API code sums in another order before the JIT has compiled it than after (the interpreted fallback against the
 * intrinsics), so logits are compared to that rounding and token choices exactly.
 */
class DecodeBatchTest {

	private static final int CONTEXT = 128;

	/** Four requests: greedy, seeded top-k, seeded with a repetition penalty (every logit read), seeded without top-k. */
	private static final List<Sampling> SAMPLINGS = List.of(Sampling.greedy(), Sampling.of(0.9, 11), new Sampling(0.8, 0, 0.9, 0, 1.2, 12),
			new Sampling(1.0, 0, 1, 0, 1, 13));
	private static final List<List<Integer>> PROMPTS = List.of(List.of(1, 20, 30, 40, 5), List.of(1, 7), List.of(1, 9, 9, 9, 9, 9, 9, 9, 9, 3, 4),
			List.of(1, 33, 2, 17, 17, 8, 12));
	private static final List<Integer> MAX_TOKENS = List.of(6, 40, 20, 13);

	private static GgufLlama.Model model(Path dir, GgmlType type) throws Exception {
		Path file = dir.resolve("tiny-" + type + ".gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny", type, vocab, 21);
		}
		return GgufLlama.load(GgufFile.open(file));
	}

	private static Llama open(GgufLlama.Model m, int sequences) {
		return Engines.cpu(2).open("test", m.config(), m.weights(), CONTEXT, sequences);
	}

	/** The logits after each of {@code tokens}, the first {@code prompt} of them run as one prompt. */
	private static List<float[]> alone(Llama llama, List<Integer> tokens, int prompt) {
		List<float[]> out = new ArrayList<>();
		out.add(llama.forward(tokens.subList(0, prompt).stream().mapToInt(Integer::intValue).toArray(), 0).clone());
		for (int pos = prompt; pos < tokens.size(); pos++) {
			out.add(llama.forward(tokens.get(pos), pos).clone());
		}
		return out;
	}

	@ParameterizedTest
	@EnumSource(value = GgmlType.class, names = { "F32", "Q8_0" })
	void sequencesDecodedInOneBatchGetTheLogitsEachGetsAloneAsTheyJoinAndLeave(GgmlType type, @TempDir Path dir) throws Exception {
		GgufLlama.Model m = model(dir, type);
		// each sequence: a prompt and the tokens it goes on with
		List<List<Integer>> sequences = List.of(List.of(1, 20, 30, 40, 5, 6, 7, 8, 9, 10, 11), List.of(1, 7, 8, 9, 10, 11, 12, 13, 14),
				List.of(1, 9, 9, 9, 3, 4, 5, 6), List.of(1, 33, 2, 17, 18, 19, 20));
		int[] promptLengths = { 5, 2, 4, 3 };
		List<List<float[]>> want = new ArrayList<>();
		try (Llama single = open(m, 1)) {
			for (int s = 0; s < sequences.size(); s++) {
				want.add(alone(single, sequences.get(s), promptLengths[s]));
			}
		}
		try (Llama batch = open(m, 3)) {
			assertEquals(3, batch.sequences());
			List<List<float[]>> got = new ArrayList<>();
			int[] next = new int[sequences.size()];
			for (int s = 0; s < sequences.size(); s++) {
				got.add(new ArrayList<>());
			}
			// slot of each sequence: 0 → slot 0, 1 → slot 1, 2 → slot 2 once it joins, 3 → slot 0 after 0 has left
			int[] slotOf = { 0, 1, 2, 0 };
			java.util.function.IntConsumer prefill = s -> {
				batch.run(slotOf[s], sequences.get(s).subList(0, promptLengths[s]).stream().mapToInt(Integer::intValue).toArray(), 0);
				got.get(s).add(batch.logits(0).clone());
				next[s] = promptLengths[s];
			};
			prefill.accept(0);
			prefill.accept(1);
			for (int step = 0; step < 10; step++) {
				if (step == 2) {
					prefill.accept(2); // joins between steps
				}
				if (step == 6) {
					prefill.accept(3); // takes the slot sequence 0 left
				}
				List<Integer> members = new ArrayList<>();
				for (int s = sequences.size() - 1; s >= 0; s--) { // rows in another order than the slots
					boolean joined = s < 2 || s == 2 && step >= 2 || s == 3 && step >= 6;
					boolean left = s == 0 && step >= 6;
					if (joined && !left && next[s] < sequences.get(s).size()) {
						members.add(s);
					}
				}
				int[] slots = members.stream().mapToInt(s -> slotOf[s]).toArray();
				int[] tokens = members.stream().mapToInt(s -> sequences.get(s).get(next[s])).toArray();
				int[] positions = members.stream().mapToInt(s -> next[s]).toArray();
				batch.decode(slots, tokens, positions);
				for (int row = 0; row < members.size(); row++) {
					int s = members.get(row);
					got.get(s).add(batch.logits(row).clone());
					next[s]++;
				}
			}
			for (int s = 0; s < sequences.size(); s++) {
				List<float[]> w = want.get(s);
				List<float[]> g = got.get(s);
				assertEquals(w.size(), g.size(), "sequence " + s + " was decoded to its end");
				for (int t = 0; t < g.size(); t++) {
					assertSameLogits(w.get(t), g.get(t), type + ": sequence " + s + ", logits " + t);
				}
			}
		}
	}

	/** The same logits to the last bits of a float sum, and the same largest one. */
	private static void assertSameLogits(float[] want, float[] got, String what) {
		float scale = 0;
		for (float v : want) {
			scale = Math.max(scale, Math.abs(v));
		}
		for (int i = 0; i < want.length; i++) {
			assertEquals(want[i], got[i], 1e-5f * scale, what + ", logit " + i);
		}
		assertEquals(argmax(want), argmax(got), what + ": the largest logit");
	}

	private static int argmax(float[] v) {
		int best = 0;
		for (int i = 1; i < v.length; i++) {
			if (v[i] > v[best]) {
				best = i;
			}
		}
		return best;
	}

	@Test
	void aDecodeBatchRefusesASlotTwiceAndMoreSequencesThanItsSlots(@TempDir Path dir) throws Exception {
		try (Llama batch = open(model(dir, GgmlType.F32), 2)) {
			batch.run(0, new int[] { 1, 2 }, 0);
			batch.run(1, new int[] { 1, 3 }, 0);
			assertThrows(IllegalArgumentException.class, () -> batch.decode(new int[] { 1, 1 }, new int[] { 4, 5 }, new int[] { 2, 2 }));
			assertThrows(IllegalArgumentException.class, () -> batch.decode(new int[] { 0, 1, 2 }, new int[] { 4, 5, 6 }, new int[] { 2, 2, 2 }));
			assertThrows(IllegalArgumentException.class, () -> batch.run(2, new int[] { 1 }, 0));
		}
	}

	/** Holds the model's thread back until released, so that the answers submitted meanwhile start in one batch. */
	private static final class Gate implements Executor {
		private final CountDownLatch open = new CountDownLatch(1);

		@Override
		public void execute(Runnable work) {
			Thread.ofPlatform().start(() -> {
				try {
					open.await();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					return;
				}
				work.run();
			});
		}
	}

	private record Answer(List<Integer> tokens, Usage usage) {
	}

	private static List<Answer> alone(GgufLlama.Model m) {
		List<Answer> want = new ArrayList<>();
		try (Llama single = open(m, 1)) {
			// a first round unrecorded, so that the JIT has compiled the vector code both sides run
			for (int r = 0; r < PROMPTS.size(); r++) {
				Generator.generate(single, PROMPTS.get(r), MAX_TOKENS.get(r), SAMPLINGS.get(r), Set.of(), t -> true, () -> false);
			}
			for (int r = 0; r < PROMPTS.size(); r++) {
				List<Integer> tokens = new ArrayList<>();
				Usage usage = Generator.generate(single, PROMPTS.get(r), MAX_TOKENS.get(r), SAMPLINGS.get(r), Set.of(), tokens::add, () -> false);
				want.add(new Answer(tokens, usage));
			}
		}
		return want;
	}

	@ParameterizedTest
	@EnumSource(value = GgmlType.class, names = { "F32", "Q8_0" })
	void concurrentGreedyAndSeededAnswersEqualTheSameRequestsAnsweredOneAtATime(GgmlType type, @TempDir Path dir) throws Exception {
		GgufLlama.Model m = model(dir, type);
		List<Answer> want = alone(m);
		try (Llama llama = open(m, 3)) {
			Gate gate = new Gate();
			DecodeBatch batch = new DecodeBatch(llama, gate);
			List<Answer> got = new ArrayList<>(Collections.nCopies(PROMPTS.size(), null));
			AtomicReference<Throwable> failure = new AtomicReference<>();
			List<Thread> clients = new ArrayList<>();
			for (int r = 0; r < PROMPTS.size(); r++) {
				int request = r;
				clients.add(Thread.ofPlatform().start(() -> {
					try {
						List<Integer> tokens = Collections.synchronizedList(new ArrayList<>());
						Usage usage = batch.generate(PROMPTS.get(request), MAX_TOKENS.get(request), SAMPLINGS.get(request), Set.of(), tokens::add,
								() -> false);
						got.set(request, new Answer(tokens, usage));
					} catch (Throwable e) {
						failure.set(e);
					}
				}));
			}
			// three take the slots and wait for the model's thread; the fourth waits for a slot, joining when one leaves
			while (batch.waiting() < 3) {
				Thread.sleep(5);
			}
			gate.open.countDown();
			for (Thread t : clients) {
				t.join();
			}
			if (failure.get() != null) {
				throw new AssertionError(failure.get());
			}
			for (int r = 0; r < PROMPTS.size(); r++) {
				assertEquals(want.get(r).tokens(), got.get(r).tokens(), type + ": request " + r + " (" + SAMPLINGS.get(r) + ")");
				assertEquals(want.get(r).usage().generatedTokens(), got.get(r).usage().generatedTokens());
				assertEquals(PROMPTS.get(r).size(), got.get(r).usage().promptTokens());
			}
			long[] steps = batch.steps();
			assertTrue(steps[1] >= steps[0] + 2, "the first step decoded three answers at once: " + steps[1] + " rows in " + steps[0] + " steps");
		}
	}

	@Test
	void aCancelledClientAndOneThatStopsListeningLeaveTheBatchAndFreeTheirSlots(@TempDir Path dir) throws Exception {
		GgufLlama.Model m = model(dir, GgmlType.F32);
		List<Answer> want = alone(m);
		try (Llama llama = open(m, 2)) {
			DecodeBatch batch = new DecodeBatch(llama);
			AtomicReference<Answer> long1 = new AtomicReference<>();
			Thread first = Thread.ofPlatform().start(() -> {
				List<Integer> tokens = Collections.synchronizedList(new ArrayList<>());
				Usage usage = batch.generate(PROMPTS.get(1), MAX_TOKENS.get(1), SAMPLINGS.get(1), Set.of(), tokens::add, () -> false);
				long1.set(new Answer(tokens, usage));
			});
			// cancelled after its third token
			List<Integer> cancelled = new ArrayList<>();
			Usage cancelledUsage = batch.generate(PROMPTS.get(2), MAX_TOKENS.get(2), SAMPLINGS.get(2), Set.of(), cancelled::add,
					() -> cancelled.size() >= 3);
			assertEquals(want.get(2).tokens().subList(0, 3), cancelled);
			assertEquals(3, cancelledUsage.generatedTokens());
			// its slot is free again: a client that stops listening after two tokens (the second counted, as alone)
			List<Integer> stopped = new ArrayList<>();
			Usage stoppedUsage = batch.generate(PROMPTS.get(3), MAX_TOKENS.get(3), SAMPLINGS.get(3), Set.of(), t -> {
				stopped.add(t);
				return stopped.size() < 2;
			}, () -> false);
			assertEquals(want.get(3).tokens().subList(0, 2), stopped);
			assertEquals(2, stoppedUsage.generatedTokens());
			// and then one that runs to its end in the slot the others used
			List<Integer> last = new ArrayList<>();
			batch.generate(PROMPTS.get(0), MAX_TOKENS.get(0), SAMPLINGS.get(0), Set.of(), last::add, () -> false);
			assertEquals(want.get(0).tokens(), last);
			first.join();
			assertEquals(want.get(1).tokens(), long1.get().tokens(), "the answer that ran beside them is what it is alone");
		}
	}
}
