package dev.atelier.llm.internal.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.llm.ModelFormatException;

/**
 * A GGUF file (versions 2 and 3), memory-mapped: its metadata (every value type, arrays included) and its tensors,
 * whose data stays in the mapping. Every length, count and offset is checked against the file before it is used,
 * so a truncated or corrupt file is refused with the field and byte offset named, never read outside the mapping.
 */
public final class GgufFile implements AutoCloseable {

	public static final int MAGIC = 0x46554747; // "GGUF" little-endian
	/** Limits that no real model reaches and that keep a corrupt count from allocating gigabytes before it fails. */
	private static final long MAX_ENTRIES = 1 << 24;
	private static final int MAX_DIMS = 4;

	private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
	private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	private final Path file;
	private final int version;
	private final Map<String, Object> metadata;
	private final Map<String, GgufTensor> tensors;
	private final Map<String, List<byte[]>> stringBytes;
	private final Arena arena;

	private GgufFile(Path file, int version, Map<String, Object> metadata, Map<String, GgufTensor> tensors, Map<String, List<byte[]>> stringBytes,
			Arena arena) {
		this.file = file;
		this.version = version;
		this.metadata = Collections.unmodifiableMap(metadata);
		this.tensors = Collections.unmodifiableMap(tensors);
		this.stringBytes = stringBytes;
		this.arena = arena;
	}

	/** A string array's elements as the bytes stored (vocabularies hold tokens that are not valid UTF-8 alone). */
	public Optional<List<byte[]>> stringBytes(String key) {
		strings(key);
		return Optional.ofNullable(stringBytes.get(key));
	}

	public Path file() {
		return file;
	}

	public int version() {
		return version;
	}

	/**
	 * Keys to values: Integer (u8/i8/u16/i16/i32), Long (u32/u64/i64), Float, Double, Boolean, String; arrays as
	 * {@code int[]}, {@code long[]}, {@code float[]}, {@code double[]}, {@code boolean[]}, {@code List<String>}
	 * or {@code List<Object>} for arrays of arrays.
	 */
	public Map<String, Object> metadata() {
		return metadata;
	}

	/** Tensors by name, in file order. */
	public Map<String, GgufTensor> tensors() {
		return tensors;
	}

	public Optional<String> string(String key) {
		return typed(key, String.class);
	}

	/** An integer value of any integer type. */
	public Optional<Long> integer(String key) {
		Object v = metadata.get(key);
		if (v == null) {
			return Optional.empty();
		}
		if (v instanceof Integer i) {
			return Optional.of((long) i);
		}
		if (v instanceof Long l) {
			return Optional.of(l);
		}
		throw new ModelFormatException(file, "metadata " + key + " is a " + v.getClass().getSimpleName() + ", not an integer");
	}

	/** A floating-point value (or an integer, as llama.cpp accepts). */
	public Optional<Double> real(String key) {
		Object v = metadata.get(key);
		if (v == null) {
			return Optional.empty();
		}
		if (v instanceof Number n) {
			return Optional.of(n.doubleValue());
		}
		throw new ModelFormatException(file, "metadata " + key + " is a " + v.getClass().getSimpleName() + ", not a number");
	}

	@SuppressWarnings("unchecked")
	public Optional<List<String>> strings(String key) {
		Object v = metadata.get(key);
		if (v == null) {
			return Optional.empty();
		}
		if (v instanceof List<?> list && list.stream().allMatch(e -> e instanceof String)) {
			return Optional.of((List<String>) list);
		}
		throw new ModelFormatException(file, "metadata " + key + " is not an array of strings");
	}

	public <T> Optional<T> typed(String key, Class<T> type) {
		Object v = metadata.get(key);
		if (v == null) {
			return Optional.empty();
		}
		if (!type.isInstance(v)) {
			throw new ModelFormatException(file, "metadata " + key + " is a " + v.getClass().getSimpleName() + ", not a " + type.getSimpleName());
		}
		return Optional.of(type.cast(v));
	}

	/** A metadata value that must be there: the error names the key. */
	public <T> T require(String key, Class<T> type) {
		return typed(key, type).orElseThrow(() -> new ModelFormatException(file, "metadata " + key + " is missing"));
	}

	@Override
	public void close() {
		arena.close();
	}

	public static GgufFile open(Path file) throws IOException {
		AtomicFiles.requireRegular(file); // a FIFO would block the reader forever
		Arena arena = Arena.ofShared();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			MemorySegment data = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
			return new Parser(file, data).parse(arena);
		} catch (IOException | RuntimeException e) {
			arena.close();
			throw e;
		}
	}

	/** Reads the header sequentially, checking each read against the end of the mapping. */
	private static final class Parser {
		private final Path file;
		private final MemorySegment data;
		private final Map<String, List<byte[]>> stringBytes = new LinkedHashMap<>();
		private long at;
		private String field = "the header";
		private String key;

		Parser(Path file, MemorySegment data) {
			this.file = file;
			this.data = data;
		}

		GgufFile parse(Arena arena) {
			need(4, "the magic");
			if (data.get(INT, 0) != MAGIC) {
				throw new ModelFormatException(file, "not a GGUF file (the first four bytes are not \"GGUF\")");
			}
			at = 4;
			field = "the version";
			int version = u32();
			if (version != 2 && version != 3) {
				throw new ModelFormatException(file, "GGUF version " + Integer.toUnsignedString(version) + " is not supported (2 and 3 are)");
			}
			field = "the tensor count";
			long tensorCount = count(u64());
			field = "the metadata count";
			long kvCount = count(u64());
			Map<String, Object> metadata = new LinkedHashMap<>();
			for (long i = 0; i < kvCount; i++) {
				field = "metadata entry " + i + "'s key";
				String key = string();
				field = "metadata " + key;
				this.key = key;
				int type = u32();
				metadata.put(key, value(type, 0));
			}
			long alignment = 32;
			Object a = metadata.get("general.alignment");
			if (a != null) {
				alignment = a instanceof Integer i ? i : a instanceof Long l ? l : -1;
				if (alignment <= 0 || Long.bitCount(alignment) != 1) {
					throw new ModelFormatException(file, "metadata general.alignment is " + a + ": it must be a power of two");
				}
			}
			record Info(String name, long[] shape, GgmlType type, long offset) {
			}
			List<Info> infos = new ArrayList<>();
			for (long i = 0; i < tensorCount; i++) {
				field = "tensor " + i + "'s name";
				String name = string();
				field = "tensor " + name;
				int dims = u32();
				if (dims < 1 || dims > MAX_DIMS) {
					throw error("has " + Integer.toUnsignedString(dims) + " dimensions (1 to " + MAX_DIMS + " are possible)");
				}
				long[] shape = new long[dims];
				long elements = 1;
				for (int d = 0; d < dims; d++) {
					shape[d] = u64();
					if (shape[d] <= 0 || shape[d] > 1L << 40 || elements > (1L << 48) / shape[d]) {
						throw error("has dimension " + d + " of " + Long.toUnsignedString(shape[d]));
					}
					elements *= shape[d];
				}
				int typeId = u32();
				GgmlType type = GgmlType.of(typeId).orElseThrow(() -> error("has the unknown tensor type " + Integer.toUnsignedString(typeId)));
				if (shape[0] % type.blockSize() != 0) {
					throw error("has rows of " + shape[0] + " elements, not a multiple of " + type + "'s block of " + type.blockSize());
				}
				long offset = u64();
				if (offset % alignment != 0) {
					throw error("starts at data offset " + Long.toUnsignedString(offset) + ", not a multiple of the alignment " + alignment);
				}
				infos.add(new Info(name, shape, type, offset));
			}
			long dataStart = (at + alignment - 1) / alignment * alignment;
			Map<String, GgufTensor> tensors = new LinkedHashMap<>();
			for (Info info : infos) {
				long elements = 1;
				for (long d : info.shape()) {
					elements *= d;
				}
				long bytes = info.type().bytes(elements);
				if (info.offset() < 0 || dataStart + info.offset() > data.byteSize() || bytes > data.byteSize() - dataStart - info.offset()) {
					throw new ModelFormatException(file, "tensor " + info.name() + "'s data (" + bytes + " bytes at file offset "
							+ (dataStart + info.offset()) + ") lies outside the file of " + data.byteSize() + " bytes");
				}
				if (tensors.put(info.name(), new GgufTensor(info.name(), info.shape(), info.type(), data.asSlice(dataStart + info.offset(), bytes))) != null) {
					throw new ModelFormatException(file, "tensor " + info.name() + " appears twice");
				}
			}
			return new GgufFile(file, version, metadata, tensors, stringBytes, arena);
		}

		private Object value(int type, int depth) {
			return switch (type) {
			case 0 -> Byte.toUnsignedInt(u8());
			case 1 -> (int) u8();
			case 2 -> Short.toUnsignedInt(u16());
			case 3 -> (int) u16();
			case 4 -> Integer.toUnsignedLong(u32());
			case 5 -> u32();
			case 6 -> {
				need(4, field);
				float f = data.get(FLOAT, at);
				at += 4;
				yield f;
			}
			case 7 -> {
				byte b = u8();
				if (b != 0 && b != 1) {
					throw error("is a bool of value " + b);
				}
				yield b == 1;
			}
			case 8 -> string();
			case 9 -> array(depth);
			case 10, 11 -> u64();
			case 12 -> {
				need(8, field);
				double d = data.get(DOUBLE, at);
				at += 8;
				yield d;
			}
			default -> throw error("has the unknown value type " + Integer.toUnsignedString(type));
			};
		}

		private Object array(int depth) {
			if (depth > 2) {
				throw error("nests arrays deeper than llama.cpp does");
			}
			int type = u32();
			long n = count(u64());
			// Fixed-size element types: the whole array must fit in what is left of the file before anything is allocated.
			int size = switch (type) {
			case 0, 1, 7 -> 1;
			case 2, 3 -> 2;
			case 4, 5, 6 -> 4;
			case 10, 11, 12 -> 8;
			default -> 0;
			};
			if (size > 0) {
				need(n * size, field + " (" + n + " elements)");
			} else if (n > data.byteSize() - at) {
				throw error("claims " + n + " elements, more than the file's remaining " + (data.byteSize() - at) + " bytes could hold");
			}
			switch (type) {
			case 0, 1, 2, 3, 5 -> {
				int[] out = new int[(int) n];
				for (int i = 0; i < n; i++) {
					out[i] = ((Number) value(type, depth + 1)).intValue();
				}
				return out;
			}
			case 4, 10, 11 -> {
				long[] out = new long[(int) n];
				for (int i = 0; i < n; i++) {
					out[i] = ((Number) value(type, depth + 1)).longValue();
				}
				return out;
			}
			case 6 -> {
				float[] out = new float[(int) n];
				MemorySegment.copy(data, FLOAT, at, out, 0, (int) n);
				at += 4 * n;
				return out;
			}
			case 12 -> {
				double[] out = new double[(int) n];
				MemorySegment.copy(data, DOUBLE, at, out, 0, (int) n);
				at += 8 * n;
				return out;
			}
			case 7 -> {
				boolean[] out = new boolean[(int) n];
				for (int i = 0; i < n; i++) {
					out[i] = (Boolean) value(7, depth + 1);
				}
				return out;
			}
			case 8 -> {
				List<String> out = new ArrayList<>((int) Math.min(n, 1 << 20));
				List<byte[]> raw = new ArrayList<>((int) Math.min(n, 1 << 20));
				for (long i = 0; i < n; i++) {
					long start = at + 8;
					out.add(string());
					raw.add(data.asSlice(start, at - start).toArray(ValueLayout.JAVA_BYTE));
				}
				if (depth == 0) {
					stringBytes.put(key, raw);
				}
				return out;
			}
			case 9 -> {
				List<Object> out = new ArrayList<>();
				for (long i = 0; i < n; i++) {
					out.add(array(depth + 1));
				}
				return out;
			}
			default -> throw error("is an array of the unknown value type " + Integer.toUnsignedString(type));
			}
		}

		private String string() {
			long length = u64();
			if (length < 0 || length > data.byteSize() - at) {
				throw error("has a string of " + Long.toUnsignedString(length) + " bytes at byte " + (at - 8) + ", beyond the end of the file");
			}
			byte[] bytes = data.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE);
			at += length;
			try {
				return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes))
						.toString();
			} catch (CharacterCodingException e) {
				// Vocabularies hold byte tokens that are not UTF-8 on their own: keep them as Latin-1 code points.
				return new String(bytes, StandardCharsets.ISO_8859_1);
			}
		}

		private long count(long n) {
			if (n < 0 || n > MAX_ENTRIES) {
				throw error("is " + Long.toUnsignedString(n) + ", more than any model has");
			}
			return n;
		}

		private byte u8() {
			need(1, field);
			return data.get(ValueLayout.JAVA_BYTE, at++);
		}

		private short u16() {
			need(2, field);
			short v = data.get(SHORT, at);
			at += 2;
			return v;
		}

		private int u32() {
			need(4, field);
			int v = data.get(INT, at);
			at += 4;
			return v;
		}

		private long u64() {
			need(8, field);
			long v = data.get(LONG, at);
			at += 8;
			return v;
		}

		private void need(long bytes, String what) {
			if (bytes < 0 || bytes > data.byteSize() - at) {
				throw new ModelFormatException(file, "the file ends at byte " + data.byteSize() + " inside " + what + " (truncated?)");
			}
		}

		private ModelFormatException error(String problem) {
			return new ModelFormatException(file, field + " " + problem);
		}
	}
}
