package dev.atelier.llm.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.plan.Planner;
import dev.atelier.device.plan.Workload;
import dev.atelier.device.plan.Workloads;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.engine.LlamaConfig;

/**
 * A LLaMA-class model with a context of {@code context} tokens, {@code offload} of its layers (the first ones, with
 * the embedding) on the CPU, the rest on the device: a GPU, or the CPU itself where {@code gpu} is false.
 *
 * <p>bytes = what the engine leases on the device for its stage ({@link Llama#bytes}, the same formula): the weights
 * of its layers and of the classifier (the shape's matrices at the format's bytes per weight, norms in F32; the
 * embedding too where all layers are there and it is not the classifier's) + {@link Llama#workingBytes}: the F16 KV
 * cache 2 (K and V) × its layers × context × KV width × 2 bytes, the activations of a prompt batch (512 tokens where
 * the whole model is on a GPU, else 32) and the rotary table; on a GPU also the compute runtime's scratch
 * ({@link ComputeRuntime#gpuWorkspaceBytes}). Bytes per weight follow the GGUF formats' block sizes
 * (q4_0: 18 bytes per 32 weights, q8_0: 34 per 32, q4_k_m ≈ 4.85 bits, a mix of K-quants).
 */
public record LlmWorkload(String size, Shape shape, String format, int context, double offload, boolean gpu, int sequences) implements Workload {

	/**
	 * Layers, model width, feed-forward width, KV width (GQA), attention heads, vocabulary, and whether the output
	 * layer is the token embedding (tied).
	 */
	record Shape(int layers, int width, int hidden, int kvWidth, int heads, int vocabulary, boolean tied) {

		/** Weights of the matrices: the embedding (and output unless tied), and per layer Q, K, V, O and the feed-forward. */
		double matrixWeights() {
			return (tied ? 1 : 2) * (double) vocabulary * width + layers * layerWeights();
		}

		/** Weights of one layer's matrices: Q, K, V, O and the feed-forward's gate, up and down. */
		double layerWeights() {
			return 2.0 * width * width + 2.0 * width * kvWidth + 3.0 * width * hidden;
		}

		/** The engine's configuration of this shape, for {@code context} positions. */
		LlamaConfig config(int context) {
			int headSize = width / heads;
			return new LlamaConfig(width, hidden, layers, heads, kvWidth / headSize, vocabulary, context, 1e-5f, 10_000f);
		}
	}

	/** TinyLlama 1.1B, Llama 3.2 3B, Llama 2 7B and 13B, Llama 3 8B, CodeLlama 34B, Llama 2 70B. */
	static final Map<String, Shape> SHAPES = Map.of(
			"1b", new Shape(22, 2048, 5632, 256, 32, 32000, false),
			"3b", new Shape(28, 3072, 8192, 1024, 24, 128256, true),
			"7b", new Shape(32, 4096, 11008, 4096, 32, 32000, false),
			"8b", new Shape(32, 4096, 14336, 1024, 32, 128256, false),
			"13b", new Shape(40, 5120, 13824, 5120, 40, 32000, false),
			"34b", new Shape(48, 8192, 22016, 1024, 64, 32000, false),
			"70b", new Shape(80, 8192, 28672, 1024, 64, 32000, false));

	/** Bytes per weight, best quality first: the order in which the planner suggests lower precision. */
	static final List<Map.Entry<String, Double>> FORMATS = List.of(Map.entry("f32", 4.0), Map.entry("f16", 2.0), Map.entry("bf16", 2.0),
			Map.entry("q8_0", 34.0 / 32), Map.entry("q6_k", 6.5625 / 8), Map.entry("q5_k_m", 5.69 / 8), Map.entry("q4_k_m", 4.85 / 8),
			Map.entry("q4_0", 18.0 / 32), Map.entry("q3_k_m", 3.91 / 8), Map.entry("q2_k", 2.96 / 8));

	/** llama.cpp's and llama2.c's classic default; say ctx=N for more. */
	public static final int DEFAULT_CONTEXT = 512;

	/** A model of a known size on a GPU: the planner's. */
	public LlmWorkload(String size, String format, int context, double offload, int sequences) {
		this(size, shapeOf(size), format, context, offload, true, sequences);
	}

	/** One answer at a time. */
	public LlmWorkload(String size, Shape shape, String format, int context, double offload, boolean gpu) {
		this(size, shape, format, context, offload, gpu, 1);
	}

	private static Shape shapeOf(String size) {
		Shape shape = SHAPES.get(size);
		if (shape == null) {
			throw new IllegalArgumentException("unknown model size '" + size + "'; known: " + String.join(", ", SHAPES.keySet().stream().sorted().toList()));
		}
		return shape;
	}

	public LlmWorkload {
		if (bytesPerWeight(format) < 0) {
			throw new IllegalArgumentException("unknown weight format '" + format + "'; known: "
					+ String.join(", ", FORMATS.stream().map(Map.Entry::getKey).toList()));
		}
		if (context < 1) {
			throw new IllegalArgumentException("context must be at least 1 token, not " + context);
		}
		if (offload < 0 || offload >= 1) {
			throw new IllegalArgumentException("offload must be a fraction in [0, 1), not " + offload);
		}
		if (sequences < 1) {
			throw new IllegalArgumentException("sequences must be at least 1, not " + sequences);
		}
	}

	static double bytesPerWeight(String format) {
		return FORMATS.stream().filter(e -> e.getKey().equals(format)).mapToDouble(Map.Entry::getValue).findFirst().orElse(-1);
	}

	/** Layers on the device: those the offload leaves, at least one (the classifier's). */
	private int deviceLayers() {
		return shape.layers() - (int) (offload * shape.layers());
	}

	/** The device stage's weights: its layers' matrices and norms, the classifier, the embedding where it is there alone. */
	private double weights() {
		return weights(shape.layers() - deviceLayers(), shape.layers());
	}

	/**
	 * The weights of a stage of layers {@code from … to − 1}, as {@link Llama#bytes} counts them: its layers' matrices and
	 * norms, the embedding where it starts at layer 0, the classifier and final norm where it ends at the last (one
	 * matrix where they are tied and both there).
	 */
	double weights(int from, int to) {
		boolean embedding = from == 0;
		boolean classifier = to == shape.layers();
		int tables = (embedding ? 1 : 0) + (classifier ? 1 : 0) - (embedding && classifier && shape.tied() ? 1 : 0);
		double matrices = (to - from) * shape.layerWeights() + (double) shape.vocabulary() * shape.width() * tables;
		double norms = (2.0 * (to - from) + (classifier ? 1 : 0)) * shape.width();
		return matrices * bytesPerWeight(format) + norms * Float.BYTES;
	}

	/** The bytes of a stage of layers {@code from … to − 1} on a GPU of a split: its weights, cache, activations and scratch. */
	long stageBytes(int from, int to) {
		return Math.round(weights(from, to)) + working(to - from, to == shape.layers()) + workspace();
	}

	/** The KV cache of {@code layers} layers. */
	long kvCacheBytes(int layers) {
		return working(layers, false) - working(0, false);
	}

	/**
	 * The layers split over the devices in proportion to their budgets ({@link Planner#splitLayers}), a stage per device
	 * that takes any; a spec that already offloads layers to the CPU does not split further.
	 */
	@Override
	public List<Part> split(List<Long> budgets) {
		if (offload > 0) {
			return List.of();
		}
		List<Planner.LayerRange> ranges = Planner.splitLayers(shape.layers(), budgets);
		List<Part> parts = new ArrayList<>();
		for (int d = 0; d < ranges.size(); d++) {
			if (!ranges.get(d).isEmpty()) {
				parts.add(new Part(d, new LlmStage(this, ranges.get(d))));
			}
		}
		return parts;
	}

	private long working(int layers, boolean classifier) {
		return Llama.workingBytes(shape.config(context), layers, classifier, context, sequences, batch());
	}

	/** A prompt batch's tokens: a GPU's where all layers are on GPUs (here, or split over several), else the CPU's. */
	private int batch() {
		return Llama.batchTokens(gpu && deviceLayers() == shape.layers());
	}

	/** The GPU compute's scratch beside the tensors, which the engine's lease holds too. */
	private long workspace() {
		return gpu ? ComputeRuntime.gpuWorkspaceBytes(batch(), Math.max(shape.width(), shape.hidden())) : 0;
	}

	@Override
	public String spec() {
		return "llm:" + size + ":" + format + ":ctx=" + context + (offload > 0 ? ":offload=" + Math.round(offload * 100) + "%" : "")
				+ (sequences > 1 ? ":seq=" + sequences : "");
	}

	@Override
	public long bytes() {
		return Math.round(weights()) + working(deviceLayers(), true) + workspace();
	}

	@Override
	public String breakdown() {
		int n = deviceLayers();
		long kvCache = kvCacheBytes(n);
		return String.format(Locale.ROOT, "weights %s (%s), KV cache %s (%d tokens%s, f16), activations and scratch %s%s", Workloads.gib(weights()), format,
				Workloads.gib(kvCache), context, sequences > 1 ? " × " + sequences + " answers" : "", Workloads.gib(working(n, true) - kvCache + workspace()),
				n < shape.layers() ? String.format(Locale.ROOT, ", %d of %d layers on the CPU", shape.layers() - n, shape.layers()) : "");
	}

	@Override
	public List<Workload> cheaper() {
		List<Workload> options = new ArrayList<>();
		// Smaller formats down to q4_0; below it quality drops too far to suggest unasked.
		for (Map.Entry<String, Double> f : FORMATS) {
			if (f.getValue() < bytesPerWeight(format)) {
				options.add(new LlmWorkload(size, shape, f.getKey(), context, offload, gpu, sequences));
			}
			if (f.getKey().equals("q4_0")) {
				break;
			}
		}
		for (int c = context / 2; c >= DEFAULT_CONTEXT; c /= 2) {
			options.add(new LlmWorkload(size, shape, format, c, offload, gpu, sequences));
		}
		for (double o : new double[] { 0.25, 0.5 }) {
			if (o > offload) {
				options.add(new LlmWorkload(size, shape, format, context, o, gpu, sequences));
			}
		}
		return options;
	}
}
