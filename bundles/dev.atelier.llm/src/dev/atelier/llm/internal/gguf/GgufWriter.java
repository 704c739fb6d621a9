package dev.atelier.llm.internal.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files: metadata of the common types and tensors given as bytes in their stored format,
 * aligned to 32 bytes. For synthetic models (benchmarks, tests); {@link GgufFile} reads what it writes.
 */
public final class GgufWriter {

	private static final int ALIGNMENT = 32;

	/** A tensor's rows in order: the writer encodes them one at a time, so a large model never sits in memory whole. */
	@FunctionalInterface
	public interface Rows {
		float[] next();
	}

	private record Tensor(String name, GgmlType type, long[] shape, long bytes, byte[] data, Rows rows) {
	}

	private final Map<String, Object> metadata = new LinkedHashMap<>();
	private final List<Tensor> tensors = new ArrayList<>();

	/** String, Integer (uint32, int32 when negative), Long (uint64), Float, Boolean, List of String, float[] or int[] (int32 array). */
	public GgufWriter put(String key, Object value) {
		if (!(value instanceof String || value instanceof Integer || value instanceof Long || value instanceof Float || value instanceof Boolean
				|| value instanceof List<?> || value instanceof float[] || value instanceof int[])) {
			throw new IllegalArgumentException("GgufWriter cannot write a " + value.getClass().getSimpleName() + " (" + key + ")");
		}
		metadata.put(key, value);
		return this;
	}

	/** A tensor; {@code shape[0]} is the row length, {@code data} its bytes in {@code type}'s layout. */
	public GgufWriter tensor(String name, GgmlType type, long[] shape, byte[] data) {
		long elements = 1;
		for (long d : shape) {
			elements *= d;
		}
		if (type.bytes(elements) != data.length) {
			throw new IllegalArgumentException(name + ": " + elements + " elements of " + type + " take " + type.bytes(elements) + " bytes, not "
					+ data.length);
		}
		tensors.add(new Tensor(name, type, shape.clone(), data.length, data, null));
		return this;
	}

	/** A 2-D tensor of {@code rows} rows of {@code cols} values, encoded in {@code type} row by row as written. */
	public GgufWriter tensor(String name, GgmlType type, int cols, int rows, Rows source) {
		if (cols % type.blockSize() != 0) {
			throw new IllegalArgumentException(name + ": rows of " + cols + " are not whole " + type + " blocks");
		}
		tensors.add(new Tensor(name, type, new long[] { cols, rows }, type.bytes(cols) * rows, null, source));
		return this;
	}

	public void write(Path file) throws IOException {
		try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
			Sink sink = new Sink(out);
			sink.u32(GgufFile.MAGIC);
			sink.u32(3);
			sink.u64(tensors.size());
			sink.u64(metadata.size());
			for (Map.Entry<String, Object> e : metadata.entrySet()) {
				sink.string(e.getKey());
				sink.value(e.getValue());
			}
			long offset = 0;
			List<Long> offsets = new ArrayList<>();
			for (Tensor t : tensors) {
				offsets.add(offset);
				offset = align(offset + t.bytes());
			}
			for (int i = 0; i < tensors.size(); i++) {
				Tensor t = tensors.get(i);
				sink.string(t.name());
				sink.u32(t.shape().length);
				for (long d : t.shape()) {
					sink.u64(d);
				}
				sink.u32(t.type().id());
				sink.u64(offsets.get(i));
			}
			sink.pad();
			for (Tensor t : tensors) {
				if (t.data() != null) {
					sink.bytes(t.data());
				} else {
					for (long r = 0; r < t.shape()[1]; r++) {
						float[] row = t.rows().next();
						if (row.length != t.shape()[0]) {
							throw new IllegalStateException(t.name() + ": a row of " + row.length + " values; the shape says " + t.shape()[0]);
						}
						sink.bytes(Quantize.encode(t.type(), row));
					}
				}
				sink.pad();
			}
		}
	}

	private static long align(long n) {
		return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
	}

	private static final class Sink {
		private final OutputStream out;
		private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
		private long written;

		Sink(OutputStream out) {
			this.out = out;
		}

		void bytes(byte[] b) throws IOException {
			out.write(b);
			written += b.length;
		}

		void u32(int v) throws IOException {
			scratch.clear().putInt(v);
			bytes(Arrays.copyOf(scratch.array(), 4));
		}

		void u64(long v) throws IOException {
			scratch.clear().putLong(v);
			bytes(scratch.array().clone());
		}

		void f32(float v) throws IOException {
			scratch.clear().putFloat(v);
			bytes(Arrays.copyOf(scratch.array(), 4));
		}

		void string(String s) throws IOException {
			byte[] b = s.getBytes(StandardCharsets.UTF_8);
			u64(b.length);
			bytes(b);
		}

		void value(Object v) throws IOException {
			switch (v) {
			case String s -> {
				u32(8);
				string(s);
			}
			case Integer i -> { // unsigned where it can be: llama.cpp reads hyperparameters and token ids as u32
				u32(i >= 0 ? 4 : 5);
				u32(i);
			}
			case Long l -> {
				u32(10);
				u64(l);
			}
			case Float f -> {
				u32(6);
				f32(f);
			}
			case Boolean b -> {
				u32(7);
				bytes(new byte[] { (byte) (b ? 1 : 0) });
			}
			case float[] a -> {
				u32(9);
				u32(6);
				u64(a.length);
				for (float f : a) {
					f32(f);
				}
			}
			case int[] a -> {
				u32(9);
				u32(5);
				u64(a.length);
				for (int i : a) {
					u32(i);
				}
			}
			case List<?> list -> {
				u32(9);
				u32(8);
				u64(list.size());
				for (Object o : list) {
					string((String) o);
				}
			}
			default -> throw new IllegalArgumentException("cannot write " + v);
			}
		}

		void pad() throws IOException {
			int n = (int) (align(written) - written);
			if (n > 0) {
				bytes(new byte[n]);
			}
		}
	}
}
