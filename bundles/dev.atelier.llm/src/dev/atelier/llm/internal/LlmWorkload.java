package dev.atelier.llm.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.atelier.device.plan.Workload;

/**
 * A LLaMA-class model with a context of {@code context} tokens, {@code offload} of its layers on the CPU.
 *
 * <p>bytes = parameters × bytes per weight × (1 − offload) + KV cache + scratch, with the KV cache
 * 2 (K and V) × layers × context × KV width × 2 bytes (f16) × (1 − offload), and scratch for a 512-token batch
 * 512 × (4 × width + vocabulary) × 4 + 512 × context × heads × 4 bytes. Bytes per weight follow the GGUF
 * formats' block sizes (q4_0: 18 bytes per 32 weights, q8_0: 34 per 32, q4_k_m ≈ 4.85 bits).
 */
public record LlmWorkload(String size, String format, int context, double offload) implements Workload {

	/** Parameters, layers, model width, KV width (GQA), attention heads, vocabulary. */
	record Shape(double parameters, int layers, int width, int kvWidth, int heads, int vocabulary) {
	}

	static final Map<String, Shape> SHAPES = Map.of(
			"1b", new Shape(1.10e9, 22, 2048, 256, 32, 32000),
			"3b", new Shape(3.21e9, 28, 3072, 1024, 24, 128256),
			"7b", new Shape(6.74e9, 32, 4096, 4096, 32, 32000),
			"8b", new Shape(8.03e9, 32, 4096, 1024, 32, 128256),
			"13b", new Shape(13.0e9, 40, 5120, 5120, 40, 32000),
			"34b", new Shape(33.7e9, 48, 8192, 1024, 64, 32000),
			"70b", new Shape(69.0e9, 80, 8192, 1024, 64, 32000));

	/** Bytes per weight, best quality first: the order in which the planner suggests lower precision. */
	static final List<Map.Entry<String, Double>> FORMATS = List.of(Map.entry("f32", 4.0), Map.entry("f16", 2.0), Map.entry("bf16", 2.0),
			Map.entry("q8_0", 34.0 / 32), Map.entry("q6_k", 6.5625 / 8), Map.entry("q5_k_m", 5.69 / 8), Map.entry("q4_k_m", 4.85 / 8),
			Map.entry("q4_0", 18.0 / 32), Map.entry("q3_k_m", 3.91 / 8), Map.entry("q2_k", 2.96 / 8));

	/** llama.cpp's and llama2.c's classic default; say ctx=N for more. */
	public static final int DEFAULT_CONTEXT = 512;

	public LlmWorkload {
		if (!SHAPES.containsKey(size)) {
			throw new IllegalArgumentException("unknown model size '" + size + "'; known: " + String.join(", ", SHAPES.keySet().stream().sorted().toList()));
		}
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
		return SHAPES.get(size).parameters() * bytesPerWeight(format) * (1 - offload);
	}

	private double kvCache() {
		Shape s = SHAPES.get(size);
		return 2.0 * s.layers() * context * s.kvWidth() * 2 * (1 - offload);
	}

	private double scratch() {
		Shape s = SHAPES.get(size);
		return 512.0 * (4.0 * s.width() + s.vocabulary()) * 4 + 512.0 * context * s.heads() * 4;
	}

	@Override
	public String spec() {
		return "llm:" + size + ":" + format + ":ctx=" + context + (offload > 0 ? ":offload=" + Math.round(offload * 100) + "%" : "");
	}

	@Override
	public long bytes() {
		return Math.round(weights() + kvCache() + scratch());
	}

	@Override
	public String breakdown() {
		return String.format(Locale.ROOT, "weights %.2f GB (%s), KV cache %.2f GB (%d tokens), scratch %.2f GB%s", weights() / 1e9, format,
				kvCache() / 1e9, context, scratch() / 1e9, offload > 0 ? String.format(Locale.ROOT, ", %.0f %% of layers on the CPU", offload * 100) : "");
	}

	@Override
	public List<Workload> cheaper() {
		List<Workload> options = new ArrayList<>();
		// Smaller formats down to q4_0; below it quality drops too far to suggest unasked.
		for (Map.Entry<String, Double> f : FORMATS) {
			if (f.getValue() < bytesPerWeight(format)) {
				options.add(new LlmWorkload(size, f.getKey(), context, offload));
			}
			if (f.getKey().equals("q4_0")) {
				break;
			}
		}
		for (int c = context / 2; c >= DEFAULT_CONTEXT; c /= 2) {
			options.add(new LlmWorkload(size, format, c, offload));
		}
		for (double o : new double[] { 0.25, 0.5 }) {
			if (o > offload) {
				options.add(new LlmWorkload(size, format, context, o));
			}
		}
		return options;
	}
}
