package dev.atelier.llm.internal.llama2c;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.compute.TensorType;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.engine.LlamaConfig;
import dev.atelier.llm.internal.engine.LlamaWeights;

/**
 * A llama2.c checkpoint ({@code run.c}'s legacy format): seven little-endian ints (dim, hidden_dim, n_layers,
 * n_heads, n_kv_heads, vocab_size — negative when the classifier is not shared with the embedding — and
 * seq_len), then float32 weights in run.c's order, memory-mapped and read in place.
 */
public final class Llama2cCheckpoint {

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final int HEADER_BYTES = 7 * 4;

	private final LlamaConfig config;
	private final LlamaWeights weights;
	private final Arena arena;

	private Llama2cCheckpoint(LlamaConfig config, LlamaWeights weights, Arena arena) {
		this.config = config;
		this.weights = weights;
		this.arena = arena;
	}

	public LlamaConfig config() {
		return config;
	}

	public LlamaWeights weights() {
		return weights;
	}

	/** Unmaps the file; the weights are unusable afterwards. */
	public void close() {
		arena.close();
	}

	public static Llama2cCheckpoint open(Path file) throws IOException {
		AtomicFiles.requireRegular(file); // a FIFO would block the reader forever
		Arena arena = Arena.ofShared();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size < HEADER_BYTES) {
				throw new ModelFormatException(file, "a llama2.c checkpoint starts with a 28-byte header; the file has " + size + " bytes");
			}
			MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
			String[] names = { "dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len" };
			int[] h = new int[7];
			for (int i = 0; i < 7; i++) {
				h[i] = data.get(INT, 4L * i);
				if (i != 5 && (h[i] <= 0 || h[i] > 1 << 20)) {
					throw new ModelFormatException(file, "header field " + names[i] + " is " + h[i] + ": not a llama2.c checkpoint");
				}
			}
			boolean shared = h[5] > 0;
			int vocab = Math.abs(h[5]);
			if (vocab == 0 || vocab > 1 << 22) {
				throw new ModelFormatException(file, "header field vocab_size is " + h[5] + ": not a llama2.c checkpoint");
			}
			LlamaConfig config;
			try {
				config = new LlamaConfig(h[0], h[1], h[2], h[3], h[4], vocab, h[6], 1e-5f, 10_000f);
			} catch (IllegalArgumentException e) {
				throw new ModelFormatException(file, e.getMessage());
			}
			long floats = expectedFloats(config, shared);
			if (size < HEADER_BYTES + 4 * floats) {
				throw new ModelFormatException(file, "the header describes " + (HEADER_BYTES + 4 * floats) + " bytes of header and weights; the file has "
						+ size + " (truncated?)");
			}
			Reader r = new Reader(data, HEADER_BYTES);
			int dim = config.dim();
			int layers = config.layers();
			int kvDim = config.kvDim();
			int hidden = config.hiddenDim();
			MemorySegment embedding = r.take((long) vocab * dim);
			MemorySegment attNorm = r.take((long) layers * dim);
			MemorySegment wq = r.take((long) layers * dim * dim);
			MemorySegment wk = r.take((long) layers * dim * kvDim);
			MemorySegment wv = r.take((long) layers * dim * kvDim);
			MemorySegment wo = r.take((long) layers * dim * dim);
			MemorySegment ffnNorm = r.take((long) layers * dim);
			MemorySegment w1 = r.take((long) layers * dim * hidden);
			MemorySegment w2 = r.take((long) layers * hidden * dim);
			MemorySegment w3 = r.take((long) layers * dim * hidden);
			float[] finalNorm = r.take(dim).toArray(FLOAT);
			r.take((long) config.contextLength() * config.headSize()); // the unused RoPE tables (real and imaginary halves)
			LlamaWeights.Matrix table = f32(embedding, vocab, dim);
			LlamaWeights.Matrix output = shared ? table : f32(r.take((long) vocab * dim), vocab, dim);
			List<LlamaWeights.Layer> list = new ArrayList<>();
			for (int l = 0; l < layers; l++) {
				list.add(new LlamaWeights.Layer(slice(attNorm, l, dim).toArray(FLOAT), matrix(wq, l, dim, dim), matrix(wk, l, kvDim, dim),
						matrix(wv, l, kvDim, dim), matrix(wo, l, dim, dim), slice(ffnNorm, l, dim).toArray(FLOAT), matrix(w1, l, hidden, dim),
						matrix(w2, l, dim, hidden), matrix(w3, l, hidden, dim)));
			}
			return new Llama2cCheckpoint(config, new LlamaWeights(table, list, finalNorm, output), arena);
		} catch (IOException | RuntimeException e) {
			arena.close();
			throw e;
		}
	}

	static long expectedFloats(LlamaConfig c, boolean shared) {
		long dim = c.dim();
		long layers = c.layers();
		long kvDim = c.kvDim();
		long hidden = c.hiddenDim();
		return c.vocab() * dim + layers * (2 * dim + 2 * dim * dim + 2 * dim * kvDim + 3 * dim * hidden) + dim
				+ (long) c.contextLength() * c.headSize() + (shared ? 0 : c.vocab() * dim);
	}

	private static MemorySegment slice(MemorySegment all, int layer, long floats) {
		return all.asSlice(4L * layer * floats, 4L * floats);
	}

	private static LlamaWeights.Matrix matrix(MemorySegment all, int layer, int rows, int cols) {
		return f32(slice(all, layer, (long) rows * cols), rows, cols);
	}

	private static LlamaWeights.Matrix f32(MemorySegment data, int rows, int cols) {
		return new LlamaWeights.Matrix(TensorType.F32, rows, cols, data);
	}

	/** Takes consecutive float arrays from the mapping. */
	private static final class Reader {
		private final MemorySegment data;
		private long offset;

		Reader(MemorySegment data, long offset) {
			this.data = data;
			this.offset = offset;
		}

		MemorySegment take(long floats) {
			MemorySegment s = data.asSlice(offset, 4 * floats);
			offset += 4 * floats;
			return s;
		}
	}
}
