package dev.atelier.diffusion.exec;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A graph input or output as the graph declares it.
 *
 * @param shape the declared dimensions, -1 where a dimension is symbolic (batch, height, width)
 */
public record TensorSpec(String name, ElementType type, long[] shape) {

	public int rank() {
		return shape.length;
	}

	/** The declared size of dimension {@code i}, or -1 when it is symbolic. */
	public long dim(int i) {
		return shape[i];
	}

	@Override
	public String toString() {
		return name + ": " + type + Arrays.stream(shape).mapToObj(d -> d < 0 ? "?" : Long.toString(d)).collect(Collectors.joining(",", "[", "]"));
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof TensorSpec t && t.name.equals(name) && t.type == type && Arrays.equals(t.shape, shape);
	}

	@Override
	public int hashCode() {
		return name.hashCode() * 31 + Arrays.hashCode(shape);
	}
}
