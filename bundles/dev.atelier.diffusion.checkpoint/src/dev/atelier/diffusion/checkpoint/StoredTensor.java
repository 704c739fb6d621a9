package dev.atelier.diffusion.checkpoint;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tensor as a file stores it: its key there, element type, shape (row-major, contiguous) and where its bytes are.
 * The bytes are read only when asked for: a mapped slice for safetensors, a storage read from the zip for {@code .ckpt}.
 */
public interface StoredTensor {

	Path file();

	String key();

	DType dtype();

	long[] shape();

	/** The tensor's bytes, little-endian, exactly {@code elements() * dtype().bytes()} long. */
	MemorySegment data() throws CheckpointException;

	default long elements() {
		long n = 1;
		for (long d : shape()) {
			n *= d;
		}
		return n;
	}

	static String shapeText(long[] shape) {
		return Arrays.toString(shape);
	}
}
