package dev.atelier.llm.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.atelier.device.plan.Workload;
import dev.atelier.llm.internal.engine.LlamaMemory;

/**
 * A LLaMA-class model with a context of {@code context} tokens, {@code offload} of its layers on the CPU.
 *
 * <p>bytes = {@link LlamaMemory}, the formula of the engine's lease: weights (the shape's matrices at the format's
 * bytes per weight, norms in F32) × (1 − offload) + the F16 KV cache 2 (K and V) × layers × context × KV width × 2
 * bytes × (1 − offload) + the activations of a prefill batch. Bytes per weight follow the GGUF formats' block sizes
 * (q4_0: 18 bytes per 32 weights, q8_0: 34 per 32, q4_k_m ≈ 4.85 bits, a mix of K-quants).
 */
public record LlmWorkload(String size, Shape shape, String format, int context, double offload) implements Workload {

	/**
	 * Layers, model width, feed-forward width, KV width (GQA), attention heads, vocabulary, and whether the output
	 * layer is the token embedding (tied).
	 */
	record Shape(int layers, int width, int hidden, int kvWidth, int heads, int vocabulary, boolean tied) {

		/** Weights of the matrices: the embedding (and output unless tied), and per layer Q, K, V, O and the feed-forward. */
		double matrixWeights() {
			double perLayer = 2.0 * width * width + 2.0 * width * kvWidth + 3.0 * width * hidden;
			return (tied ? 1 : 2) * (double) vocabulary * width + layers * perLayer;
		}

		/** The RMSNorm weights, two per layer and the final one, kept in F32. */
		double normWeights() {
			return (2.0 * layers + 1) * width;
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

	/** A model of a known size. */
	public LlmWorkload(String size, String format, int context, double offload) {
		this(size, shapeOf(size), format, context, offload);
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
	}

	static double bytesPerWeight(String format) {
		return FORMATS.stream().filter(e -> e.getKey().equals(format)).mapToDouble(Map.Entry::getValue).findFirst().orElse(-1);
	}

	private double weights() {
		return (shape.matrixWeights() * bytesPerWeight(format) + shape.normWeights() * Float.BYTES) * (1 - offload);
	}

	private double kvCache() {
		return LlamaMemory.kvCache(shape.layers(), context, shape.kvWidth()) * (1 - offload);
	}

	private double activations() {
		return LlamaMemory.activations(shape.width(), shape.hidden(), shape.kvWidth(), shape.heads(), shape.vocabulary(), context);
	}

	@Override
	public String spec() {
		return "llm:" + size + ":" + format + ":ctx=" + context + (offload > 0 ? ":offload=" + Math.round(offload * 100) + "%" : "");
	}

	@Override
	public long bytes() {
		return Math.round(weights() + kvCache() + activations());
	}

	@Override
	public String breakdown() {
		return String.format(Locale.ROOT, "weights %.2f GB (%s), KV cache %.2f GB (%d tokens, f16), activations %.2f GB%s", weights() / 1e9, format,
				kvCache() / 1e9, context, activations() / 1e9, offload > 0 ? String.format(Locale.ROOT, ", %.0f %% of layers on the CPU", offload * 100) : "");
	}

	@Override
	public List<Workload> cheaper() {
		List<Workload> options = new ArrayList<>();
		// Smaller formats down to q4_0; below it quality drops too far to suggest unasked.
		for (Map.Entry<String, Double> f : FORMATS) {
			if (f.getValue() < bytesPerWeight(format)) {
				options.add(new LlmWorkload(size, shape, f.getKey(), context, offload));
			}
			if (f.getKey().equals("q4_0")) {
				break;
			}
		}
		for (int c = context / 2; c >= DEFAULT_CONTEXT; c /= 2) {
			options.add(new LlmWorkload(size, shape, format, c, offload));
		}
		for (double o : new double[] { 0.25, 0.5 }) {
			if (o > offload) {
				options.add(new LlmWorkload(size, shape, format, context, o));
			}
		}
		return options;
	}
}
