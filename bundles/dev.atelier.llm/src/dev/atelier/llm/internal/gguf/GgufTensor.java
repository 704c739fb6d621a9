package dev.atelier.llm.internal.gguf;

import java.lang.foreign.MemorySegment;

/**
 * A tensor of a GGUF file: its name, shape (ggml order: {@code shape[0]} is the contiguous dimension, the row
 * length), type, and its bytes, a slice of the file's mapping.
 */
public record GgufTensor(String name, long[] shape, GgmlType type, MemorySegment data) {

	public long elements() {
		long n = 1;
		for (long d : shape) {
			n *= d;
		}
		return n;
	}

	/** The row length: the first (contiguous) dimension. */
	public int columns() {
		return (int) shape[0];
	}

	/** Everything else: the product of the other dimensions. */
	public int rows() {
		return (int) (elements() / shape[0]);
	}
}
