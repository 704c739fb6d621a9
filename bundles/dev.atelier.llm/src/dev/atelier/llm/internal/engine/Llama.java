package dev.atelier.llm.internal.engine;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.atelier.compute.Compute;
import dev.atelier.compute.Tensor;
import dev.atelier.compute.TensorType;

/**
 * The Llama forward pass on the compute runtime: RMSNorm, rotary positions (interleaved pairs as llama2.c and llama.cpp's
 * converted weights have them, or NeoX order), grouped-query attention over an F16 key/value cache, and the SwiGLU
 * feed-forward. Weights stay in their file's type and are read in it by the kernels. A prompt runs in batches of up to
 * {@link #batchTokens} tokens, so each weight row is read once per batch; a decoded token is one replay of a captured
 * graph, its token id and position written into tensors first. Layers may be split across computes in order (a GPU and
 * the CPU, as llama.cpp's {@code -ngl}; or several devices, a pipeline): the embedding runs with the first layer, the
 * classifier with the last, each compute holds the key/value cache of its own layers, and the residual rows cross
 * from one compute to the next through host memory (no device-to-device copy).
 *
 * <p>The key/value cache has a slot of {@link #contextLength} positions per sequence ({@link #sequences}): {@link
 * #decode} runs one token of each of several sequences as one batch, so every weight matrix is read once for all of
 * them, while each row's rotation, cache write and attention run against its own slot (continuous batching). The
 * single-sequence methods use slot 0.
 */
public final class Llama implements AutoCloseable {

	/** Tokens a prompt batch holds on the CPU: enough to make prefill compute-bound, small enough for the activations (~3 MB at 1B). */
	static final int CPU_BATCH = 32;
	/** On a GPU, a batch fills the tensor cores (llama.cpp's default batch is 512 too); activations ~100 MB at 8B. */
	static final int GPU_BATCH = 512;
	/** Captured decode steps a stage keeps: one per set of slots decoded together, as sequences join and leave. */
	private static final int GRAPHS = 32;
	/** Room for the small tensors a stage makes on use (token ids, positions, top-k results). */
	private static final long SMALL_TENSORS = 64 << 10;

	private final LlamaConfig config;
	private final int context;
	private final List<Stage> stages = new ArrayList<>();
	private final Stage last;
	/** Host copies: one token's logits, and the residual rows that cross from one compute to the next. */
	private final float[] logits;
	private final float[] residual;
	private final Placement.Resources resources;
	private final int batch;
	private final int sequences;

	/** All layers on one compute; closing the model closes {@code resources} (the compute and what holds it). */
	Llama(LlamaConfig config, LlamaWeights weights, Compute compute, int maxContext, int sequences, Placement.Resources resources) {
		this(config, weights, List.of(compute), List.of(config.layers()), batchTokens(!compute.device().hostMemory()), maxContext, sequences, resources);
	}

	/**
	 * The layers in order across {@code computes}: the first {@code layers.get(0)} on the first (with the embedding),
	 * the next {@code layers.get(1)} on the second, …, the classifier with the last layer; a compute given no layers
	 * takes no part. A prompt runs in batches of {@code batch} tokens ({@link #batchTokens(boolean)}, as the computes'
	 * leases were sized); the key/value cache holds at most {@code maxContext} positions (a model may allow far more
	 * than memory does) in each of {@code sequences} slots.
	 */
	Llama(LlamaConfig config, LlamaWeights weights, List<Compute> computes, List<Integer> layers, int batch, int maxContext, int sequences,
			Placement.Resources resources) {
		if (computes.size() != layers.size() || layers.stream().anyMatch(n -> n < 0) || layers.stream().mapToInt(Integer::intValue).sum() != config.layers()) {
			throw new IllegalArgumentException(layers + " layers on " + computes.size() + " computes; the model has " + config.layers());
		}
		this.config = config;
		this.context = Math.max(1, Math.min(maxContext, config.contextLength()));
		this.resources = resources;
		this.batch = batch;
		if (sequences < 1 || sequences > CPU_BATCH) {
			// a decode batch is a row of the activations per sequence, which hold a prompt batch
			throw new IllegalArgumentException(sequences + " sequences at once: between 1 and " + CPU_BATCH);
		}
		this.sequences = sequences;
		int from = 0;
		for (int i = 0; i < computes.size(); i++) {
			if (layers.get(i) > 0) {
				stages.add(new Stage(computes.get(i), weights, from, from + layers.get(i)));
				from += layers.get(i);
			}
		}
		last = stages.getLast();
		logits = new float[config.vocab()];
		residual = new float[batch * config.dim()];
	}

	/** Tokens a prompt batch of this model holds. */
	public int batchTokens() {
		return batch;
	}

	/** Sequences the cache has slots for: those {@link #decode} takes at once. */
	public int sequences() {
		return sequences;
	}

	/** Tokens a prompt batch holds: a GPU's when the whole model runs on GPUs, the CPU's when any layer runs there. */
	public static int batchTokens(boolean allOnGpu) {
		return allOnGpu ? GPU_BATCH : CPU_BATCH;
	}

	/**
	 * Bytes the tensors of layers {@code from … to − 1} take on their compute: weights in their file's types and
	 * {@link #workingBytes}; with the embedding where {@code from} is 0, the classifier where {@code to} is the last
	 * layer; {@code batch} tokens a prompt batch holds ({@link #batchTokens}).
	 */
	public static long bytes(LlamaConfig config, LlamaWeights weights, int from, int to, int maxContext, int batch) {
		return bytes(config, weights, from, to, maxContext, 1, batch);
	}

	/** As {@link #bytes(LlamaConfig, LlamaWeights, int, int, int, int)}, with a cache slot for each of {@code sequences}. */
	public static long bytes(LlamaConfig config, LlamaWeights weights, int from, int to, int maxContext, int sequences, int batch) {
		long bytes = fixedBytes(config, weights, from == 0, to == config.layers(), maxContext, sequences, batch);
		for (int l = from; l < to; l++) {
			bytes += layerBytes(config, weights, l, maxContext, sequences);
		}
		return bytes;
	}

	/**
	 * Bytes a stage takes whatever its layers: the embedding where it has it, the classifier (the output matrix, once
	 * where it is the embedding, and the final norm) where it has that, its activations and small tensors.
	 */
	public static long fixedBytes(LlamaConfig config, LlamaWeights weights, boolean embedding, boolean classifier, int maxContext, int sequences,
			int batch) {
		long bytes = embedding ? weights.tokenEmbedding().bytes() : 0;
		if (classifier) {
			bytes += 4L * weights.finalNorm().length + (embedding && weights.output() == weights.tokenEmbedding() ? 0 : weights.output().bytes());
		}
		return bytes + workingBytes(config, 0, classifier, maxContext, sequences, batch);
	}

	/** Bytes layer {@code layer} adds to its stage: its weights in their file's types and its F16 key/value cache. */
	public static long layerBytes(LlamaConfig config, LlamaWeights weights, int layer, int maxContext, int sequences) {
		return weights.layers().get(layer).bytes() + cacheBytes(config, maxContext, sequences);
	}

	/** One layer's F16 key/value cache: 2 × context × kvDim × 2 bytes per sequence. */
	private static long cacheBytes(LlamaConfig config, int maxContext, int sequences) {
		int context = Math.max(1, Math.min(maxContext, config.contextLength()));
		return 2L * sequences * context * config.kvDim() * 2;
	}

	/**
	 * Bytes a stage of {@code layers} layers allocates besides its weights: the F16 key/value cache (2 × layers ×
	 * context × kvDim × 2), the F32 activations of a {@code batch}-token batch (residual, normed rows, query, output,
	 * keys and values, the feed-forward's two hidden rows; the logits where it has the classifier), the rotary table and
	 * room for small tensors. The planner's {@code llm:} estimate uses it too.
	 */
	public static long workingBytes(LlamaConfig config, int layers, boolean classifier, int maxContext, int batch) {
		return workingBytes(config, layers, classifier, maxContext, 1, batch);
	}

	/** As {@link #workingBytes(LlamaConfig, int, boolean, int, int)}, with a cache slot for each of {@code sequences}. */
	public static long workingBytes(LlamaConfig config, int layers, boolean classifier, int maxContext, int sequences, int batch) {
		long bytes = SMALL_TENSORS + 2L * config.headSize();
		bytes += layers * cacheBytes(config, maxContext, sequences);
		bytes += 4L * batch * (4L * config.dim() + 2L * config.kvDim() + 2L * config.hiddenDim());
		if (classifier) {
			bytes += 4L * batch * config.vocab();
		}
		return bytes;
	}

	public LlamaConfig config() {
		return config;
	}

	/** Positions the key/value cache holds. */
	public int contextLength() {
		return context;
	}

	/** Per device, the memory allocated under the model's lease against its size. */
	public String memory() {
		return resources.memory();
	}

	/** Where the model runs: each compute's description and its layers. */
	public String placement() {
		StringBuilder out = new StringBuilder();
		for (Stage s : stages) {
			out.append(out.isEmpty() ? "" : "; ").append(s.compute.description()).append(": layers ").append(s.from).append("–").append(s.to - 1)
					.append(s.from == 0 ? " + embedding" : "").append(s == last ? " + output" : "");
		}
		return out.toString();
	}

	/** The logits of the token after {@code token} at position {@code pos} (0-based); earlier positions must have run. */
	public float[] forward(int token, int pos) {
		return forward(new int[] { token }, pos);
	}

	/**
	 * Runs {@code tokens} at positions {@code start}, {@code start + 1}, … (in batches) and returns the logits after the
	 * last one; earlier positions must have run. The array is reused by the next call.
	 */
	public float[] forward(int[] tokens, int start) {
		run(tokens, start);
		return logits(0);
	}

	/** The logits in row {@code row} of the last {@link #run} (row 0) or {@link #decode}; the array is reused by the next call. */
	public float[] logits(int row) {
		last.logits.rows(row, 1).read(MemorySegment.ofArray(logits));
		return logits;
	}

	/**
	 * Runs {@code tokens} as {@link #forward(int[], int)} does, leaving the logits after the last one on the device
	 * for {@link #sample}.
	 */
	public void run(int[] tokens, int start) {
		run(0, tokens, start);
	}

	/**
	 * Runs {@code tokens} of the sequence in cache slot {@code slot} as {@link #run(int[], int)} does: its logits after
	 * the last one in row 0 for {@link #sample(int, TokenSampler, List)}.
	 */
	public void run(int slot, int[] tokens, int start) {
		check(tokens, start);
		checkSlot(slot);
		if (tokens.length == 1) {
			decode(new int[] { slot }, tokens, new int[] { start });
			return;
		}
		int n = 0;
		for (int from = 0; from < tokens.length; from += batch) {
			n = Math.min(batch, tokens.length - from);
			batch(slot, tokens, from, n, start + from);
		}
		classify(n - 1, 1);
	}

	/**
	 * One token of each sequence in {@code slots} (distinct), {@code tokens[i]} at {@code positions[i]} of slot
	 * {@code slots[i]}, as one batch: the logits after token i in row i for {@link #sample(int, TokenSampler, List)}.
	 * Each row gives what {@link #run(int, int[], int)} of that token alone gives where the compute's matrix products
	 * do not depend on the batch's other rows (the CPU backend's, of F32 weights and of those its native kernels take).
	 */
	public void decode(int[] slots, int[] tokens, int[] positions) {
		int n = slots.length;
		if (n == 0 || n > sequences || tokens.length != n || positions.length != n) {
			throw new IllegalArgumentException(n + " slots, " + tokens.length + " tokens and " + positions.length + " positions; at most " + sequences
					+ " sequences");
		}
		for (int i = 0; i < n; i++) {
			checkSlot(slots[i]);
			check(new int[] { tokens[i] }, positions[i]);
			for (int j = 0; j < i; j++) {
				if (slots[j] == slots[i]) {
					throw new IllegalArgumentException("slot " + slots[i] + " twice in one decode batch");
				}
			}
		}
		List<Integer> key = java.util.Arrays.stream(slots).boxed().toList();
		for (Stage s : stages) {
			s.step(n).write(tokens, positions);
			if (s.from > 0) {
				s.x.rows(0, n).write(residual(n));
			}
			s.decode(key).replay();
			if (s != last) {
				s.x.rows(0, n).read(residual(n));
			}
		}
	}

	private void checkSlot(int slot) {
		if (slot < 0 || slot >= sequences) {
			throw new IllegalArgumentException("cache slot " + slot + " of " + sequences);
		}
	}

	/**
	 * The next token from the logits the last {@link #run} left: where the sampler needs only the largest logits (greedy,
	 * or top-k without a repetition penalty), they are picked on the device and only they are read.
	 */
	public int sample(TokenSampler sampler, List<Integer> history) {
		return sample(0, sampler, history);
	}

	/** As {@link #sample(TokenSampler, List)}, from the logits in row {@code row} of the last {@link #decode}. */
	public int sample(int row, TokenSampler sampler, List<Integer> history) {
		Tensor logitsRow = last.logits.rows(row, 1);
		return sample(logitsRow, sampler, history);
	}

	private int sample(Tensor row, TokenSampler sampler, List<Integer> history) {
		int k = sampler.candidates();
		if (k == 0) {
			row.read(MemorySegment.ofArray(logits));
			return sampler.next(logits, history);
		}
		if (k == 1) {
			last.compute.argmax(row, last.best);
			int[] best = new int[1];
			last.best.read(MemorySegment.ofArray(best));
			return best[0];
		}
		Tensor[] top = last.topK.computeIfAbsent(k,
				size -> new Tensor[] { last.compute.allocate(TensorType.F32, 1, size), last.compute.allocate(TensorType.I32, 1, size) });
		last.compute.topK(row, k, top[0], top[1]);
		float[] values = new float[k];
		int[] indices = new int[k];
		top[0].read(MemorySegment.ofArray(values));
		top[1].read(MemorySegment.ofArray(indices));
		return sampler.next(values, indices);
	}

	/** Receives the logits after one token of a sequence; the array is reused for the next. */
	@FunctionalInterface
	public interface LogitsSink {
		void accept(int index, float[] logits);
	}

	/**
	 * Runs {@code tokens} at positions {@code start}, {@code start + 1}, … as {@link #forward(int[], int)} does and
	 * hands {@code sink} the logits after each token from index {@code firstOutput} on, in order: what perplexity
	 * scores. The classifier runs batched over those tokens, like the layers.
	 */
	public void forward(int[] tokens, int start, int firstOutput, LogitsSink sink) {
		check(tokens, start);
		if (firstOutput < 0 || firstOutput >= tokens.length) {
			throw new IllegalArgumentException("output from index " + firstOutput + " of " + tokens.length + " tokens");
		}
		int vocab = config.vocab();
		float[] batchLogits = new float[batch * vocab];
		for (int from = 0; from < tokens.length; from += batch) {
			int n = Math.min(batch, tokens.length - from);
			batch(0, tokens, from, n, start + from);
			int first = Math.max(0, firstOutput - from);
			if (first >= n) {
				continue;
			}
			classify(first, n - first);
			last.logits.rows(0, n - first).read(MemorySegment.ofArray(batchLogits).asSlice(0, 4L * (n - first) * vocab));
			for (int t = first; t < n; t++) {
				System.arraycopy(batchLogits, (t - first) * vocab, logits, 0, vocab);
				sink.accept(from + t, logits);
			}
		}
	}

	private void check(int[] tokens, int start) {
		for (int token : tokens) {
			if (token < 0 || token >= config.vocab()) {
				throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + config.vocab());
			}
		}
		if (start < 0 || tokens.length == 0 || start + tokens.length > context) {
			throw new IllegalArgumentException("positions " + start + " to " + (start + tokens.length - 1) + " are outside the context of " + context
					+ " tokens");
		}
	}

	/** Tokens {@code from … from + n − 1} of the sequence in {@code slot}, at positions {@code start …}, through every layer. */
	private void batch(int slot, int[] tokens, int from, int n, int start) {
		int[] positions = new int[n];
		for (int t = 0; t < n; t++) {
			positions[t] = start + t;
		}
		for (Stage s : stages) {
			s.positions(n).write(MemorySegment.ofArray(positions));
			if (s.from == 0) {
				s.tokens(n).write(MemorySegment.ofArray(java.util.Arrays.copyOfRange(tokens, from, from + n)));
				s.compute.getRows(s.embedding, s.tokens(n), s.x.rows(0, n));
			} else {
				s.x.rows(0, n).write(residual(n));
			}
			s.layers(n, new int[] { slot }, s.positions(n));
			if (s != last) {
				s.x.rows(0, n).read(residual(n));
			}
		}
	}

	private MemorySegment residual(int n) {
		return MemorySegment.ofArray(residual).asSlice(0, 4L * n * config.dim());
	}

	/** The classifier's logits of rows {@code first … first + count − 1} of the last batch into rows 0 … count − 1 of the logits. */
	private void classify(int first, int count) {
		Compute c = last.compute;
		c.rmsNorm(last.x.rows(first, count), last.finalNorm, config.normEps(), last.xb.rows(first, count));
		c.matmul(last.output, last.xb.rows(first, count), last.logits.rows(0, count));
	}

	/** Closes the computes (their tensors and graphs with them) and what holds them. */
	@Override
	public void close() {
		try {
			resources.close();
		} catch (Exception e) {
			throw new IllegalStateException("cannot release the model's compute: " + e.getMessage(), e);
		}
	}

	/** The tensors of the layers one compute runs, and its activations. */
	private final class Stage {
		final Compute compute;
		final int from;
		final int to;
		final Tensor embedding;
		final List<LayerTensors> layers = new ArrayList<>();
		final Tensor finalNorm;
		final Tensor output;
		final Tensor frequencies;
		final Tensor x;
		final Tensor xb;
		final Tensor xb2;
		final Tensor q;
		final Tensor k;
		final Tensor v;
		final Tensor hb;
		final Tensor hb2;
		final Tensor logits;
		final Tensor best;
		/** The I32 tensors of decode steps by their number of sequences. */
		private final Map<Integer, Step> steps = new HashMap<>();
		/** I32 vectors of each batch length: positions, token ids. */
		private final Map<Integer, Tensor> positions = new HashMap<>();
		private final Map<Integer, Tensor> tokens = new HashMap<>();
		final Map<Integer, Tensor[]> topK = new HashMap<>();
		/** Captured decode steps by the slots they run, the least recently used closed beyond {@link #GRAPHS}. */
		private final Map<List<Integer>, Compute.Graph> decodes = new java.util.LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<List<Integer>, Compute.Graph> eldest) {
				if (size() <= GRAPHS) {
					return false;
				}
				eldest.getValue().close();
				return true;
			}
		};

		Stage(Compute compute, LlamaWeights weights, int from, int to) {
			this.compute = compute;
			this.from = from;
			this.to = to;
			Map<LlamaWeights.Matrix, Tensor> uploaded = new IdentityHashMap<>();
			java.util.function.Function<LlamaWeights.Matrix, Tensor> upload = m -> uploaded.computeIfAbsent(m,
					w -> compute.upload(w.type(), w.rows(), w.cols(), w.data()));
			embedding = from == 0 ? upload.apply(weights.tokenEmbedding()) : null;
			for (int l = from; l < to; l++) {
				LlamaWeights.Layer w = weights.layers().get(l);
				layers.add(new LayerTensors(vector(w.attentionNorm()), upload.apply(w.wq()), upload.apply(w.wk()), upload.apply(w.wv()),
						upload.apply(w.wo()), vector(w.ffnNorm()), upload.apply(w.gate()), upload.apply(w.down()), upload.apply(w.up()), vector(w.bq()),
						vector(w.bk()), vector(w.bv()), slots(compute.allocate(TensorType.F16, sequences * context, config.kvDim())),
						slots(compute.allocate(TensorType.F16, sequences * context, config.kvDim()))));
			}
			boolean classifier = to == config.layers();
			finalNorm = classifier ? vector(weights.finalNorm()) : null;
			output = classifier ? upload.apply(weights.output()) : null;
			double[] freq = config.ropeFrequencies();
			float[] f = new float[freq.length];
			for (int j = 0; j < f.length; j++) {
				f[j] = (float) freq[j];
			}
			frequencies = compute.allocate(TensorType.F32, 1, f.length);
			frequencies.write(MemorySegment.ofArray(f));
			x = activations(config.dim());
			xb = activations(config.dim());
			xb2 = activations(config.dim());
			q = activations(config.dim());
			k = activations(config.kvDim());
			v = activations(config.kvDim());
			hb = activations(config.hiddenDim());
			hb2 = activations(config.hiddenDim());
			logits = classifier ? activations(config.vocab()) : null;
			best = classifier ? compute.allocate(TensorType.I32, 1, 1) : null;
		}

		/** One cache of all slots, as a view per slot. */
		private Tensor[] slots(Tensor cache) {
			Tensor[] views = new Tensor[sequences];
			for (int i = 0; i < sequences; i++) {
				views[i] = cache.rows(i * context, context);
			}
			return views;
		}

		Step step(int n) {
			return steps.computeIfAbsent(n, size -> new Step(compute, size));
		}

		/** The captured decode step of the sequences in {@code slots}. */
		Compute.Graph decode(List<Integer> slots) {
			Compute.Graph graph = decodes.get(slots);
			if (graph == null) {
				int n = slots.size();
				Step step = step(n);
				int[] slotArray = slots.stream().mapToInt(Integer::intValue).toArray();
				graph = compute.capture(() -> {
					if (from == 0) {
						compute.getRows(embedding, step.tokens, x.rows(0, n));
					}
					layers(n, slotArray, step.positions);
					if (this == last) {
						classify(0, n);
					}
				});
				decodes.put(slots, graph);
			}
			return graph;
		}

		private Tensor activations(int cols) {
			return compute.allocate(TensorType.F32, batch, cols);
		}

		private Tensor vector(float[] values) {
			return values == null ? null : compute.upload(TensorType.F32, 1, values.length, MemorySegment.ofArray(values));
		}

		Tensor positions(int n) {
			return positions.computeIfAbsent(n, size -> compute.allocate(TensorType.I32, 1, size));
		}

		Tensor tokens(int n) {
			return tokens.computeIfAbsent(n, size -> compute.allocate(TensorType.I32, 1, size));
		}

		/**
		 * This stage's layers over the first {@code n} rows of its activations: rows of the sequence in {@code slots[0]}
		 * at the positions {@code pos} (1 × n) where there is one slot, else one row of each slot's sequence, row i at
		 * row i of {@code pos} (n × 1), attending to its own slot's cache.
		 */
		void layers(int n, int[] slots, Tensor pos) {
			Compute c = compute;
			Tensor x = this.x.rows(0, n);
			Tensor xb = this.xb.rows(0, n);
			Tensor xb2 = this.xb2.rows(0, n);
			Tensor q = this.q.rows(0, n);
			Tensor k = this.k.rows(0, n);
			Tensor v = this.v.rows(0, n);
			Tensor hb = this.hb.rows(0, n);
			Tensor hb2 = this.hb2.rows(0, n);
			float eps = config.normEps();
			c.rmsNorm(x, layers.getFirst().attentionNorm, eps, xb);
			for (int l = 0; l < layers.size(); l++) {
				LayerTensors t = layers.get(l);
				c.matmuls(List.of(t.wq, t.wk, t.wv), xb, List.of(q, k, v));
				if (t.bq != null) { // Qwen2's biases come before the rotation
					c.add(q, t.bq, q);
					c.add(k, t.bk, k);
					c.add(v, t.bv, v);
				}
				if (slots.length == 1) {
					attend(t, slots[0], q, k, v, pos, xb);
				} else {
					for (int i = 0; i < n; i++) {
						attend(t, slots[i], q.rows(i, 1), k.rows(i, 1), v.rows(i, 1), pos.rows(i, 1), xb.rows(i, 1));
					}
				}
				c.matmul(t.wo, xb, xb2);
				c.addRmsNorm(x, xb2, t.ffnNorm, eps, x, xb);
				c.matmuls(List.of(t.gate, t.up), xb, List.of(hb, hb2));
				c.swiGlu(hb, hb2, hb);
				c.matmul(t.down, hb, xb);
				if (l + 1 < layers.size()) { // the residual step and the next layer's norm in one pass
					c.addRmsNorm(x, xb, layers.get(l + 1).attentionNorm, eps, x, xb);
				} else {
					c.add(x, xb, x);
				}
			}
		}

		/** The new keys and values of {@code slot}'s sequence into its cache, and its rows' attention over it. */
		private void attend(LayerTensors t, int slot, Tensor q, Tensor k, Tensor v, Tensor pos, Tensor out) {
			compute.ropeAndCache(q, k, v, pos, frequencies, config.headSize(), config.ropeNeox(), t.keys[slot], t.values[slot]);
			compute.attention(q, t.keys[slot], t.values[slot], pos, config.heads(), config.kvHeads(), out);
		}
	}

	/** {@code slots}' key/value caches are views of one tensor each. */
	private record LayerTensors(Tensor attentionNorm, Tensor wq, Tensor wk, Tensor wv, Tensor wo, Tensor ffnNorm, Tensor gate, Tensor down, Tensor up,
			Tensor bq, Tensor bk, Tensor bv, Tensor[] keys, Tensor[] values) {
	}

	/**
	 * A decode step's I32 tensors: the token ids (1 × n) and a position per row (n × 1, each row's attention takes its
	 * own); for one sequence both rows of one 2 × 1 tensor, so that a step writes one copy.
	 */
	private static final class Step {
		final Tensor both;
		final Tensor tokens;
		final Tensor positions;

		Step(Compute compute, int n) {
			both = n == 1 ? compute.allocate(TensorType.I32, 2, 1) : null;
			tokens = n == 1 ? both.rows(0, 1) : compute.allocate(TensorType.I32, 1, n);
			positions = n == 1 ? both.rows(1, 1) : compute.allocate(TensorType.I32, n, 1);
		}

		void write(int[] ids, int[] at) {
			if (both != null) {
				both.write(MemorySegment.ofArray(new int[] { ids[0], at[0] }));
			} else {
				tokens.write(MemorySegment.ofArray(ids));
				positions.write(MemorySegment.ofArray(at));
			}
		}
	}
}
