package dev.atelier.llm.internal.engine;

import java.lang.foreign.MemorySegment;
import java.util.List;

import dev.atelier.llm.internal.gguf.GgmlType;

/**
 * A weight matrix of {@code rows × cols} in its stored format (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), read in
 * place: formats dequantise inside {@link #dot}, a block at a time, never the whole matrix up front.
 */
public interface Weights {

	/** The tensor types the engine reads. */
	List<GgmlType> READ = List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q5_K,
			GgmlType.Q6_K);

	int rows();

	int cols();

	/** Row {@code row} · {@code x} (length cols). */
	float dot(int row, float[] x);

	/** Row {@code row} as floats into {@code out} (length cols): embedding lookups. */
	void row(int row, float[] out);

	/** The matrix stored in {@code data} as {@code type}; IllegalArgumentException for a type not {@link #READ} or data of the wrong size. */
	static Weights of(MemorySegment data, GgmlType type, int rows, int cols) {
		return switch (type) {
		case F32 -> new F32Weights(data, rows, cols);
		case F16, BF16, Q8_0, Q4_0 -> new BlockWeights(data, type, rows, cols);
		case Q4_K, Q5_K, Q6_K -> new KQuantWeights(data, type, rows, cols);
		default -> throw new IllegalArgumentException(type + " is not a type the engine reads (" + String.join(", ",
				READ.stream().map(GgmlType::name).toList()) + " are)");
		};
	}
}
