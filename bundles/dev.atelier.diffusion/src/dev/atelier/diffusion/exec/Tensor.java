package dev.atelier.diffusion.exec;

import java.util.Arrays;

/** A dense row-major tensor held in a Java array: float32, int32 or int64. */
public final class Tensor {

	private final ElementType type;
	private final long[] shape;
	private final Object data;

	private Tensor(ElementType type, long[] shape, Object data, int length) {
		long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
		if (count != length) {
			throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count + " elements, not " + length);
		}
		this.type = type;
		this.shape = shape.clone();
		this.data = data;
	}

	public static Tensor of(float[] data, long... shape) {
		return new Tensor(ElementType.FLOAT32, shape, data, data.length);
	}

	public static Tensor ofInts(int[] data, long... shape) {
		return new Tensor(ElementType.INT32, shape, data, data.length);
	}

	public static Tensor ofLongs(long[] data, long... shape) {
		return new Tensor(ElementType.INT64, shape, data, data.length);
	}

	public ElementType type() {
		return type;
	}

	public long[] shape() {
		return shape.clone();
	}

	public long dim(int i) {
		return shape[i];
	}

	/** The data itself, not a copy. */
	public float[] floats() {
		return (float[]) as(ElementType.FLOAT32);
	}

	public int[] ints() {
		return (int[]) as(ElementType.INT32);
	}

	public long[] longs() {
		return (long[]) as(ElementType.INT64);
	}

	private Object as(ElementType wanted) {
		if (type != wanted) {
			throw new IllegalStateException("a " + type + " tensor read as " + wanted);
		}
		return data;
	}

	@Override
	public String toString() {
		return type + Arrays.toString(shape);
	}
}
