package dev.atelier.diffusion.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

import com.google.gson.Gson;

/**
 * Writes {@code .safetensors} files (tests' checkpoints, the tiny sample checkpoint): tensors of given shapes filled with seeded Gaussian values of a chosen
 * spread (F32, F16 or BF16; integer buffers get 0, 1, 2 …) or with values a function gives, and raw files with a
 * hand-made header.
 */
public final class SafetensorsWriter {

	private final Map<String, Object[]> tensors = new LinkedHashMap<>();
	private ToDoubleFunction<String> spread = name -> 0.02;
	private long seed = 1;
	private BiFunction<String, long[], float[]> values;
	private Map<String, String> metadata = Map.of();

	/** Weights of one type. */
	public SafetensorsWriter weights(Map<String, long[]> shapes, String dtype) {
		shapes.forEach((k, s) -> tensors.put(k, new Object[] { dtype, s }));
		return this;
	}

	/** Tensors each with its own type: name → {dtype, shape}. */
	public SafetensorsWriter typed(Map<String, Object[]> typed) {
		tensors.putAll(typed);
		return this;
	}

	/** The standard deviation of each tensor's values, by name (default 0.02). */
	public SafetensorsWriter spread(ToDoubleFunction<String> spread) {
		this.spread = spread;
		return this;
	}

	/** Each float tensor's values by name and shape (row-major), in place of seeded Gaussians; rounded to the tensor's type. */
	public SafetensorsWriter values(BiFunction<String, long[], float[]> values) {
		this.values = values;
		return this;
	}

	/** The header's {@code __metadata__} strings (kohya's {@code ss_…} training notes, …). */
	public SafetensorsWriter metadata(Map<String, String> strings) {
		this.metadata = new LinkedHashMap<>(strings);
		return this;
	}

	public SafetensorsWriter seed(long seed) {
		this.seed = seed;
		return this;
	}

	public Path write(Path file) throws IOException {
		StringBuilder header = new StringBuilder("{");
		if (!metadata.isEmpty()) {
			header.append("\"__metadata__\":").append(new Gson().toJson(metadata));
		}
		long offset = 0;
		for (Map.Entry<String, Object[]> e : tensors.entrySet()) {
			String dtype = (String) e.getValue()[0];
			long[] shape = (long[]) e.getValue()[1];
			long length = elements(shape) * size(dtype);
			header.append(header.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":")
					.append(Arrays.toString(shape).replace(" ", "")).append(",\"data_offsets\":[").append(offset).append(',').append(offset + length).append("]}");
			offset += length;
		}
		header.append('}');
		try (OutputStream out = Files.newOutputStream(file)) {
			writeHeader(out, header.toString());
			Random random = new Random(seed);
			for (Map.Entry<String, Object[]> e : tensors.entrySet()) {
				String dtype = (String) e.getValue()[0];
				long[] shape = (long[]) e.getValue()[1];
				float[] given = values == null || dtype.startsWith("I") ? null : values.apply(e.getKey(), shape);
				out.write(data(dtype, elements(shape), i -> given != null ? given[(int) i] : (float) (random.nextGaussian() * spread.applyAsDouble(e.getKey()))));
			}
		}
		return file;
	}

	/** A file with exactly this header and these data bytes, for headers that lie. */
	public static Path writeRaw(Path file, String header, byte[] data) throws IOException {
		try (OutputStream out = Files.newOutputStream(file)) {
			writeHeader(out, header);
			out.write(data);
		}
		return file;
	}

	private static void writeHeader(OutputStream out, String header) throws IOException {
		byte[] json = header.getBytes(StandardCharsets.UTF_8);
		out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
		out.write(json);
	}

	private interface Values {
		float at(long i);
	}

	private static byte[] data(String dtype, long n, Values values) {
		ByteBuffer b = ByteBuffer.allocate((int) (n * size(dtype))).order(ByteOrder.LITTLE_ENDIAN);
		for (long i = 0; i < n; i++) {
			float v = values.at(i);
			switch (dtype) {
			case "F32" -> b.putFloat(v);
			case "F16" -> b.putShort(Float.floatToFloat16(v));
			case "BF16" -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
			case "I64" -> b.putLong(i);
			case "I32" -> b.putInt((int) i);
			default -> throw new IllegalArgumentException("dtype " + dtype);
			}
		}
		return b.array();
	}

	private static int size(String dtype) {
		return switch (dtype) {
		case "F32", "I32" -> 4;
		case "F16", "BF16" -> 2;
		case "I64" -> 8;
		default -> throw new IllegalArgumentException("dtype " + dtype);
		};
	}

	private static long elements(long[] shape) {
		long n = 1;
		for (long d : shape) {
			n *= d;
		}
		return n;
	}
}
