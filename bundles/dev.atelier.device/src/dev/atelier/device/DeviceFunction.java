package dev.atelier.device;

/** A kernel of a {@link DeviceModule}. */
public interface DeviceFunction {

	/** Grid or block dimensions. */
	record Dim(int x, int y, int z) {
		public Dim {
			if (x < 1 || y < 1 || z < 1) {
				throw new IllegalArgumentException("dimensions must be positive: " + x + "×" + y + "×" + z);
			}
		}

		public static Dim of(int x) {
			return new Dim(x, 1, 1);
		}
	}

	/**
	 * Queues the kernel on a stream. Arguments are {@link DeviceBuffer}s (passed as device pointers) and boxed
	 * {@code int}, {@code long}, {@code float} or {@code double} values, in the kernel's parameter order.
	 */
	void launch(Dim grid, Dim block, int sharedBytes, DeviceStream stream, Object... args);
}
