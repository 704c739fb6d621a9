package dev.atelier.diffusion.checkpoint.internal.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.checkpoint.DType;
import dev.atelier.diffusion.checkpoint.StoredTensor;

/**
 * A {@code .safetensors} file, memory-mapped: an 8-byte little-endian header length, a JSON header of
 * {@code name: {dtype, shape, data_offsets: [begin, end]}} (offsets relative to the end of the header) and the data.
 * The header is checked before any tensor is used: every tensor's range lies inside the file, its length is its shape
 * times its element size, and no two ranges overlap; errors name the file and the tensor.
 */
public final class SafetensorsFile implements TensorFile {

	/** safetensors' own limit on the header; a larger length is a corrupt or foreign file. */
	private static final long MAX_HEADER = 100L << 20;
	private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

	private final Path file;
	private final Arena arena;
	private final Map<String, StoredTensor> tensors;
	private final Map<String, String> metadata;

	private SafetensorsFile(Path file, Arena arena, Map<String, StoredTensor> tensors, Map<String, String> metadata) {
		this.file = file;
		this.arena = arena;
		this.tensors = Collections.unmodifiableMap(tensors);
		this.metadata = Collections.unmodifiableMap(metadata);
	}

	public static SafetensorsFile open(Path file) throws IOException {
		Arena arena = Arena.ofShared();
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			long size = channel.size();
			MemorySegment all = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
			SafetensorsFile opened = parse(file, all, size, arena);
			return opened;
		} catch (IOException | RuntimeException e) {
			arena.close();
			throw e;
		}
	}

	private static SafetensorsFile parse(Path file, MemorySegment all, long size, Arena arena) throws CheckpointException {
		if (size < 8) {
			throw new CheckpointException(file, "not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
		}
		long headerLength = all.get(LONG, 0);
		if (headerLength < 2 || headerLength > MAX_HEADER) {
			throw new CheckpointException(file, "not a safetensors file: the header length " + Long.toUnsignedString(headerLength)
					+ " is outside 2.." + MAX_HEADER);
		}
		if (8 + headerLength > size) {
			throw new CheckpointException(file, "truncated: the header needs " + (8 + headerLength) + " bytes, the file has " + size);
		}
		String json = new String(all.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
		JsonObject header;
		try {
			JsonElement root = JsonParser.parseString(json);
			if (!root.isJsonObject()) {
				throw new CheckpointException(file, "the safetensors header is not a JSON object");
			}
			header = root.getAsJsonObject();
		} catch (JsonParseException e) {
			throw new CheckpointException(file, "the safetensors header is not valid JSON: " + e.getMessage());
		}
		long dataStart = 8 + headerLength;
		long dataLength = size - dataStart;
		MemorySegment data = all.asSlice(dataStart, dataLength);
		Map<String, StoredTensor> tensors = new LinkedHashMap<>();
		Map<String, String> metadata = new LinkedHashMap<>();
		List<long[]> ranges = new ArrayList<>();
		List<String> rangeNames = new ArrayList<>();
		for (Map.Entry<String, JsonElement> e : header.entrySet()) {
			String name = e.getKey();
			if (name.equals("__metadata__")) {
				if (e.getValue().isJsonObject()) {
					e.getValue().getAsJsonObject().entrySet().forEach(m -> metadata.put(m.getKey(), m.getValue().isJsonPrimitive()
							? m.getValue().getAsString() : m.getValue().toString()));
				}
				continue;
			}
			Entry entry = entry(file, name, e.getValue());
			long length = entry.end - entry.begin;
			if (entry.begin < 0 || entry.end < entry.begin || entry.end > dataLength) {
				throw new CheckpointException(file, "tensor " + name + ": data_offsets [" + entry.begin + ", " + entry.end
						+ "] lie outside the " + dataLength + " data bytes" + (entry.end > dataLength ? " (truncated file?)" : ""));
			}
			long expected = byteLength(file, name, entry.dtype, entry.shape);
			if (length != expected) {
				throw new CheckpointException(file, "tensor " + name + ": " + entry.dtype + StoredTensor.shapeText(entry.shape) + " needs " + expected
						+ " bytes, its data_offsets hold " + length);
			}
			ranges.add(new long[] { entry.begin, entry.end, ranges.size() });
			rangeNames.add(name);
			tensors.put(name, new Mapped(file, name, entry.dtype, entry.shape, data, entry.begin, length));
		}
		ranges.sort(Comparator.comparingLong(r -> r[0]));
		for (int i = 1; i < ranges.size(); i++) {
			long[] prev = ranges.get(i - 1);
			long[] cur = ranges.get(i);
			if (cur[0] < prev[1]) {
				throw new CheckpointException(file, "tensors " + rangeNames.get((int) prev[2]) + " and " + rangeNames.get((int) cur[2])
						+ " overlap (bytes " + cur[0] + ".." + Math.min(prev[1], cur[1]) + ")");
			}
		}
		return new SafetensorsFile(file, arena, tensors, metadata);
	}

	private record Entry(DType dtype, long[] shape, long begin, long end) {
	}

	private static Entry entry(Path file, String name, JsonElement value) throws CheckpointException {
		String where = "tensor " + name + ": ";
		if (!value.isJsonObject()) {
			throw new CheckpointException(file, where + "its header entry is not an object");
		}
		JsonObject o = value.getAsJsonObject();
		JsonElement dtype = o.get("dtype");
		if (dtype == null || !dtype.isJsonPrimitive()) {
			throw new CheckpointException(file, where + "no dtype");
		}
		DType type = DType.ofSafetensors(dtype.getAsString())
				.orElseThrow(() -> new CheckpointException(file, where + "dtype " + dtype.getAsString() + " is not supported"));
		long[] shape = longs(file, where + "shape", o.get("shape"), -1);
		long[] offsets = longs(file, where + "data_offsets", o.get("data_offsets"), 2);
		return new Entry(type, shape, offsets[0], offsets[1]);
	}

	private static long[] longs(Path file, String what, JsonElement e, int count) throws CheckpointException {
		if (e == null || !e.isJsonArray() || (count >= 0 && e.getAsJsonArray().size() != count)) {
			throw new CheckpointException(file, what + " is missing or not an array" + (count >= 0 ? " of " + count + " integers" : " of integers"));
		}
		JsonArray a = e.getAsJsonArray();
		long[] out = new long[a.size()];
		for (int i = 0; i < out.length; i++) {
			JsonElement v = a.get(i);
			if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) { // a string such as "2 " would parse as a double but not as a long
				throw new CheckpointException(file, what + "[" + i + "] is not an integer: " + v);
			}
			double d = v.getAsDouble();
			if (d < 0 || d != Math.rint(d) || d > 1e18) {
				throw new CheckpointException(file, what + "[" + i + "] is not a non-negative integer: " + v);
			}
			out[i] = v.getAsLong();
		}
		return out;
	}

	private static long byteLength(Path file, String name, DType dtype, long[] shape) throws CheckpointException {
		long n = dtype.bytes();
		for (long d : shape) {
			try {
				n = Math.multiplyExact(n, d);
			} catch (ArithmeticException e) {
				throw new CheckpointException(file, "tensor " + name + ": shape " + StoredTensor.shapeText(shape) + " is too large");
			}
		}
		return n;
	}

	/** A tensor whose bytes are a slice of the file's mapping. */
	private record Mapped(Path file, String key, DType dtype, long[] shape, MemorySegment all, long offset, long length) implements StoredTensor {
		@Override
		public long[] shape() {
			return shape.clone();
		}

		@Override
		public MemorySegment data() {
			return all.asSlice(offset, length);
		}
	}

	@Override
	public Path file() {
		return file;
	}

	@Override
	public Map<String, StoredTensor> tensors() {
		return tensors;
	}

	/** The header's {@code __metadata__} strings. */
	public Map<String, String> metadata() {
		return metadata;
	}

	@Override
	public void close() {
		arena.close();
	}
}
