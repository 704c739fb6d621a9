package dev.atelier.compute.internal.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

import dev.atelier.compute.TensorType;
import dev.atelier.kernels.Kernels;

/**
 * The CPU backend's native integer kernels (kernels/cpu_quant.c, shipped by the kernels bundle) through FFM: a decode
 * GEMV's rows of Q8_0, Q4_0 and K-quant weights against 8-bit activations, with x86's byte dot-product instructions, which the
 * Vector API lacks. Absent where the library is not built for the platform; the Vector API path runs then.
 */
final class NativeKernels {

	/** The instruction sets of {@code atelier_cpu_level}, by level. */
	private static final String[] LEVELS = { "plain C", "AVX2", "AVX-512 VNNI" };
	private static final Loaded LOADED = load();

	private final MethodHandle dotRows;
	private final MethodHandle dotX8;
	/** The best kernels this CPU runs: 0 plain C, 1 AVX2, 2 AVX-512 VNNI. */
	final int level;

	private record Loaded(Optional<NativeKernels> kernels, String missing) {
	}

	private NativeKernels(MethodHandle dotRows, MethodHandle dotX8, int level) {
		this.dotRows = dotRows;
		this.dotX8 = dotX8;
		this.level = level;
	}

	/**
	 * Whether {@link #packByEight} and {@link #dotPacked} serve a matrix of {@code type} and {@code rows} here: Q8_0 or
	 * Q4_0 in whole groups of eight rows, on AVX2 or better.
	 */
	boolean packs(TensorType type, int rows) {
		return (type == TensorType.Q8_0 || type == TensorType.Q4_0) && level >= 1 && rows % 8 == 0 && rows > 0;
	}

	/**
	 * Q8_0 or Q4_0 rows regrouped by eight into {@code arena} (cpu_quant.c's x8 layout): per group and block, the eight
	 * rows' scales, then 32-byte words (Q8_0 eight, Q4_0 four) whose bytes 4j … 4j + 3 of word k are row j's value bytes
	 * 4k … 4k + 3. The same size as the rows.
	 */
	static MemorySegment packByEight(TensorType type, MemorySegment data, int rows, int cols, Arena arena) {
		int blocks = cols / 32;
		int blockBytes = (int) type.rowBytes(32);
		int words = (blockBytes - 2) / 4; // a row's 4-byte pieces of a block: one a word of the group
		long rowBytes = type.rowBytes(cols);
		MemorySegment packed = arena.allocate(rows * rowBytes, 32);
		for (int g = 0; g < rows / 8; g++) {
			for (int b = 0; b < blocks; b++) {
				long to = ((long) g * blocks + b) * 8 * blockBytes;
				for (int j = 0; j < 8; j++) {
					long from = (8L * g + j) * rowBytes + (long) blockBytes * b;
					MemorySegment.copy(data, from, packed, to + 2 * j, 2);
					for (int k = 0; k < words; k++) {
						MemorySegment.copy(data, from + 2 + 4 * k, packed, to + 16 + 32 * k + 4 * j, 4);
					}
				}
			}
		}
		return packed;
	}

	/**
	 * {@link #dotRows} of Q8_0 or Q4_0 rows {@code from … to − 1} (multiples of 8) packed by {@link #packByEight} from a
	 * matrix of {@code rows}, by the kernels of {@code level} (AVX2 or AVX-512 VNNI).
	 */
	void dotPacked(int level, TensorType type, MemorySegment packed, int rows, int from, int to, byte[] q, float[] d, int[] sums, int cols, int n, float[] out,
			int stride) {
		if (level < 1 || level > this.level || type != TensorType.Q8_0 && type != TensorType.Q4_0) {
			throw new IllegalArgumentException("packed " + type + " kernels of level " + level + " (Q8_0 and Q4_0, levels 1 to " + this.level + ")");
		}
		if (cols % 32 != 0 || from < 0 || from > to || to > rows || from % 8 != 0 || to % 8 != 0
				|| packed.byteSize() < rows * type.rowBytes(cols) || n < 1 || q.length < (long) n * cols || d.length < (long) n * cols / 32 || sums.length < (long) n * cols / 32 || stride < to
				|| out.length < (long) (n - 1) * stride + to) {
			throw new IllegalArgumentException("native dot of packed " + type + " rows " + from + "–" + to + " of " + rows + " × " + cols + ", " + n
					+ " rows of activations in " + q.length + ", output " + out.length + " with rows " + stride + " apart");
		}
		int status;
		try {
			status = (int) dotX8.invokeExact(level, code(type), packed, from, to, MemorySegment.ofArray(q), MemorySegment.ofArray(d), MemorySegment.ofArray(sums),
					cols, n, MemorySegment.ofArray(out).asSlice(4L * from), (long) stride);
		} catch (Throwable e) {
			throw new IllegalStateException("the native int8 kernels failed: " + e, e);
		}
		if (status != 0) {
			throw new IllegalStateException("the native int8 kernels refused packed " + type + " rows " + from + "–" + to + " at level " + level);
		}
	}

	/** The kernels, or empty where they cannot load ({@link #missing} says why). */
	static Optional<NativeKernels> get() {
		return LOADED.kernels();
	}

	/** Why {@link #get} is empty; empty when it is not. */
	static String missing() {
		return LOADED.missing();
	}

	/** What runs: e.g. {@code native int8 kernels: AVX-512 VNNI}, or why none do. */
	static String describe() {
		return get().map(k -> "native int8 kernels: " + LEVELS[k.level]).orElse("no native int8 kernels (" + missing() + ")");
	}

	static boolean handles(TensorType type) {
		return code(type) >= 0;
	}

	/** cpu_quant.c's number of a type, −1 for those it does not take. */
	private static int code(TensorType type) {
		return switch (type) {
		case Q8_0 -> 0;
		case Q4_0 -> 1;
		case Q4_K -> 2;
		case Q5_K -> 3;
		case Q6_K -> 4;
		default -> -1;
		};
	}

	/** A matrix's stored rows and their type, as the kernels read them. */
	record Rows(MemorySegment data, TensorType type) {
	}

	/** The stored rows the kernels read where they take the matrix's type; null elsewhere. */
	static Rows rows(Weights w) {
		Rows rows = w instanceof BlockWeights b ? new Rows(b.data(), b.type()) : w instanceof KQuantWeights k ? new Rows(k.data(), k.type()) : null;
		return rows != null && handles(rows.type()) ? rows : null;
	}

	/**
	 * {@code out[t · stride + r]} = row r of {@code w} ({@code type}, {@code rowBytes} apart) · row t of x for r in
	 * {@code from … to − 1} and t in {@code 0 … n − 1}, x given as n rows of {@code cols} signed bytes {@code q} with a
	 * scale {@code d} per block of the type (32 values, 256 for the K-quants) and the sum {@code sums} of every 32, row
	 * after row, by the kernels of {@code level}.
	 */
	void dotRows(int level, TensorType type, MemorySegment w, long rowBytes, int from, int to, byte[] q, float[] d, int[] sums, int cols, int n,
			float[] out, int stride) {
		if (!handles(type) || level < 0 || level > this.level) {
			throw new IllegalArgumentException("native kernels of level " + level + " for " + type + " (this CPU runs up to " + this.level + ")");
		}
		// native code reads and writes what it is told: every bound is checked here
		int block = code(type) >= 2 ? 256 : 32;
		if (cols % block != 0 || rowBytes < type.rowBytes(cols) || from < 0 || from > to || w.byteSize() < to * rowBytes || n < 1
				|| q.length < (long) n * cols || d.length < (long) n * cols / block || sums.length < (long) n * cols / 32 || stride < to
				|| out.length < (long) (n - 1) * stride + to) {
			throw new IllegalArgumentException("native dot of rows " + from + "–" + to + " × " + cols + " " + type + " over " + w.byteSize()
					+ " bytes, " + n + " rows of activations in " + q.length + ", output " + out.length + " with rows " + stride + " apart");
		}
		int status;
		try {
			status = (int) dotRows.invokeExact(level, code(type), w, rowBytes, from, to, MemorySegment.ofArray(q), MemorySegment.ofArray(d),
					MemorySegment.ofArray(sums), cols, n, MemorySegment.ofArray(out).asSlice(4L * from), (long) stride);
		} catch (Throwable e) {
			throw new IllegalStateException("the native int8 kernels failed: " + e, e);
		}
		if (status != 0) {
			throw new IllegalStateException("the native int8 kernels refused level " + level + " for " + type);
		}
	}

	private static Loaded load() {
		Kernels.HostLibrary library = Kernels.hostLibrary();
		if (library.path().isEmpty()) {
			return new Loaded(Optional.empty(), library.missing());
		}
		Path path = library.path().get();
		try {
			SymbolLookup symbols = SymbolLookup.libraryLookup(path, Arena.global());
			Linker linker = Linker.nativeLinker();
			// critical: the kernels read and write Java arrays in place and never call back
			MethodHandle dotRows = linker.downcallHandle(symbols.findOrThrow("atelier_dot_rows"),
					FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
							ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
							ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
					Linker.Option.critical(true));
			MethodHandle dotX8 = linker.downcallHandle(symbols.findOrThrow("atelier_dot_rows_x8"),
					FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
							ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
							ValueLayout.JAVA_LONG),
					Linker.Option.critical(true));
			MethodHandle level = linker.downcallHandle(symbols.findOrThrow("atelier_cpu_level"), FunctionDescriptor.of(ValueLayout.JAVA_INT));
			return new Loaded(Optional.of(new NativeKernels(dotRows, dotX8, (int) level.invokeExact())), "");
		} catch (Throwable e) {
			return new Loaded(Optional.empty(), "cannot load " + path + ": " + e.getMessage());
		}
	}
}
