package dev.atelier.diffusion.checkpoint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One weight under its internal (diffusers) name: a view of a stored tensor, possibly one of the equal row blocks of a
 * fused tensor (OpenCLIP's in_proj q/k/v), transposed (OpenCLIP's text_projection) or reshaped to the same element
 * count (the VAE's 1×1-convolution attention as linear layers). Nothing is copied until {@link #toFloats()}.
 */
public record Weight(String name, StoredTensor source, long[] shape, int block, boolean transposed) {

	private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	public Weight {
		shape = shape.clone();
	}

	/** The stored tensor as it is. */
	public static Weight of(String name, StoredTensor source) {
		return new Weight(name, source, source.shape(), 0, false);
	}

	@Override
	public long[] shape() {
		return shape.clone();
	}

	public DType dtype() {
		return source.dtype();
	}

	public long elements() {
		long n = 1;
		for (long d : shape) {
			n *= d;
		}
		return n;
	}

	/** The bytes in the stored type where no transposition is needed (a row block of a fused tensor is contiguous). */
	public MemorySegment data() throws CheckpointException {
		if (transposed) {
			throw new IllegalStateException(name + " is stored transposed; use toFloats()");
		}
		long size = elements() * dtype().bytes();
		return source.data().asSlice(size * block, size);
	}

	/** The values as F32, in this weight's own row-major order. */
	public float[] toFloats() throws CheckpointException {
		long n = elements();
		if (n > Integer.MAX_VALUE - 8) {
			throw new CheckpointException(source.file(), name + " has " + n + " elements, too many for one array");
		}
		float[] out = new float[(int) n];
		long size = n * dtype().bytes();
		MemorySegment bytes = source.data().asSlice(size * block, size);
		if (!transposed) {
			for (int i = 0; i < n; i++) {
				out[i] = read(bytes, i);
			}
			return out;
		}
		// this weight is [a][b], the stored tensor [b][a]
		int a = (int) shape[0];
		int b = (int) shape[1];
		for (int r = 0; r < a; r++) {
			for (int c = 0; c < b; c++) {
				out[r * b + c] = read(bytes, (long) c * a + r);
			}
		}
		return out;
	}

	private float read(MemorySegment bytes, long i) {
		return switch (dtype()) {
		case F32 -> bytes.getAtIndex(FLOAT, i);
		case F16 -> Float.float16ToFloat(bytes.getAtIndex(SHORT, i));
		case BF16 -> Float.intBitsToFloat((bytes.getAtIndex(SHORT, i) & 0xffff) << 16);
		default -> throw new IllegalStateException(name + " is " + dtype() + ", not a weight type");
		};
	}

	@Override
	public String toString() {
		return name + " " + dtype() + Arrays.toString(shape) + " from " + source.key();
	}
}
