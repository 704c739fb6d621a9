package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.compute.TensorType;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.LlamaWeights;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufWriter;
import dev.atelier.llm.internal.gguf.Quantize;

/** The K-quants Q4_K, Q5_K and Q6_K: their layout against llama.cpp's, our encoder's error, and damaged tensors refused. */
class KQuantTest {

	private static final List<GgmlType> K = List.of(GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K);

	private record Reference(GgmlType type, byte[] blocks, float[] values) {
	}

	/** fixture/kquant-reference.bin, made by releng/llm/kquant_reference.py with llama.cpp's gguf-py. */
	private static List<Reference> references() throws Exception {
		ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(Path.of("fixture", "kquant-reference.bin"))).order(ByteOrder.LITTLE_ENDIAN);
		List<Reference> out = new ArrayList<>();
		while (in.hasRemaining()) {
			GgmlType type = GgmlType.of(in.getInt()).orElseThrow();
			int n = in.getInt();
			byte[] blocks = new byte[n * type.blockBytes()];
			in.get(blocks);
			float[] values = new float[n * 256];
			in.asFloatBuffer().get(values);
			in.position(in.position() + 4 * values.length);
			out.add(new Reference(type, blocks, values));
		}
		return out;
	}

	private static float[] gaussian(Random r, int n, double sigma) {
		float[] out = new float[n];
		for (int i = 0; i < n; i++) {
			out[i] = (float) (r.nextGaussian() * sigma);
		}
		return out;
	}

	private static float[] decode(GgmlType type, byte[] bytes, int n) {
		return Engines.decode(new LlamaWeights.Matrix(TensorType.valueOf(type.name()), 1, n, MemorySegment.ofArray(bytes)));
	}

	@Test
	void dequantisesLlamaCppsReferenceBlocksExactly() throws Exception {
		List<Reference> refs = references();
		assertEquals(K, refs.stream().map(Reference::type).toList());
		for (Reference ref : refs) {
			// the same float operations as gguf-py ((d·scale)·q − dmin·min): equal to the bit, no tolerance
			assertArrayEquals(ref.values(), decode(ref.type(), ref.blocks(), ref.values().length), ref.type() + " differs from gguf-py");
		}
	}

	/**
	 * Our encoder (a min/max grid per sub-block, scales rounded up) keeps every value within half a grid step:
	 * Q4_K/Q5_K (L = 15/31 steps): |x − x̂| ≤ range/(2L) + M/(40L), range = max − min(0, min) of the 32-value sub-block,
	 * M the super-block's max |x| (the 6-bit rounding of the scales and mins); Q6_K: ≤ amax/62 + A/7800 per 16 values,
	 * A the super-block's max |x|. Plus 1e-6·M for float rounding.
	 */
	@Test
	void quantisingAndDequantisingStaysWithinEachTypesBound() {
		Random r = new Random(11);
		List<float[]> rows = new ArrayList<>();
		rows.add(gaussian(r, 1024, 0.02));
		rows.add(gaussian(r, 1024, 3));
		float[] outlier = gaussian(r, 512, 0.02);
		outlier[300] = 1.5f; // one large weight stretches its super-block's scales
		rows.add(outlier);
		float[] negative = gaussian(r, 256, 0.01);
		float[] positive = gaussian(r, 256, 0.01);
		for (int i = 0; i < 256; i++) {
			negative[i] = -0.5f - Math.abs(negative[i]);
			positive[i] = 0.5f + Math.abs(positive[i]);
		}
		rows.add(negative);
		rows.add(positive);
		rows.add(new float[256]);
		StringBuilder report = new StringBuilder();
		for (GgmlType type : K) {
			double err2 = 0;
			double ref2 = 0;
			for (float[] x : rows) {
				float[] y = decode(type, Quantize.encode(type, x), x.length);
				for (int s = 0; s < x.length / 256; s++) {
					float max = 0;
					for (int i = 0; i < 256; i++) {
						max = Math.max(max, Math.abs(x[256 * s + i]));
					}
					int group = type == GgmlType.Q6_K ? 16 : 32;
					for (int g = 256 * s; g < 256 * (s + 1); g += group) {
						float lo = 0;
						float hi = Float.NEGATIVE_INFINITY;
						float amax = 0;
						for (int i = g; i < g + group; i++) {
							lo = Math.min(lo, x[i]);
							hi = Math.max(hi, x[i]);
							amax = Math.max(amax, Math.abs(x[i]));
						}
						int levels = type == GgmlType.Q4_K ? 15 : 31;
						double bound = (type == GgmlType.Q6_K ? amax / 62 + max / 7800.0 : (hi - lo) / (2.0 * levels) + max / (40.0 * levels))
								+ 1e-6 * max;
						for (int i = g; i < g + group; i++) {
							double e = Math.abs(x[i] - y[i]);
							assertTrue(e <= bound, type + ": value " + i + " (" + x[i] + ") came back as " + y[i] + ", off by " + e + " > " + bound);
							err2 += e * e;
							ref2 += (double) x[i] * x[i];
						}
					}
				}
			}
			report.append(String.format(Locale.ROOT, "%s: relative RMS %.4f%n", type, Math.sqrt(err2 / ref2)));
		}
		System.out.print(report);
	}

	@Test
	void damagedKQuantTensorsAreRefusedNamingThem(@TempDir Path dir) throws Exception {
		// a row of 320 values is not whole super-blocks: the file's block table cannot describe it
		Path odd = dir.resolve("odd.gguf");
		new GgufWriter().put("general.architecture", "llama").tensor("blk.0.attn_q.weight", GgmlType.Q4_K, new long[] { 320, 2 }, new byte[288])
				.write(odd);
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(odd).close());
		assertTrue(e.getMessage().contains("tensor blk.0.attn_q.weight has rows of 320 elements, not a multiple of Q4_K's block of 256"),
				e.getMessage());

		// a file cut inside the last K-quant tensor's blocks
		Path whole = dir.resolve("whole.gguf");
		new GgufWriter().put("general.architecture", "llama").tensor("a", GgmlType.Q6_K, 256, 2, () -> new float[256])
				.tensor("blk.1.ffn_down.weight", GgmlType.Q5_K, 512, 4, () -> new float[512]).write(whole);
		Path cut = dir.resolve("cut.gguf");
		byte[] bytes = Files.readAllBytes(whole);
		Files.write(cut, Arrays.copyOf(bytes, bytes.length - 100));
		e = assertThrows(ModelFormatException.class, () -> GgufFile.open(cut).close());
		assertTrue(e.getMessage().contains("tensor blk.1.ffn_down.weight's data (1408 bytes"), e.getMessage());

	}

	@Test
	void aKQuantTensorWithANonFiniteScaleIsRefusedNamingIt(@TempDir Path dir) throws Exception {
		Path file = dir.resolve("tiny-q4k.gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny256", GgmlType.Q4_K, vocab, 1);
		}
		byte[] block;
		try (GgufFile gguf = GgufFile.open(file)) {
			block = gguf.tensors().get("blk.1.ffn_up.weight").data().asSlice(144, 144).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
		}
		byte[] bytes = Files.readAllBytes(file);
		int at = -1;
		for (int i = 0; i + block.length <= bytes.length && at < 0; i++) {
			at = Arrays.equals(bytes, i, i + block.length, block, 0, block.length) ? i : -1;
		}
		ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(at + 2, (short) 0x7C00); // dmin = +infinity
		Files.write(file, bytes);
		try (GgufFile gguf = GgufFile.open(file)) {
			ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufLlama.load(gguf));
			assertTrue(e.getMessage().endsWith("tensor blk.1.ffn_up.weight: super-block 1 has a non-finite dmin (Infinity): a damaged block table"),
					e.getMessage());
		}
	}

	/** Writes a tiny256 Q4_K model and rewrites the type of one tensor in its header (to a type whose blocks are no larger). */
	private static Path withType(Path dir, String tensor, GgmlType type) throws Exception {
		Path file = dir.resolve(type + ".gguf");
		try (GgufFile vocab = GgufFile.open(TinyVocab.write(dir.resolve("vocab.gguf")))) {
			SyntheticModel.write(file, "tiny256", GgmlType.Q4_K, vocab, 1);
		}
		byte[] bytes = Files.readAllBytes(file);
		byte[] name = tensor.getBytes(java.nio.charset.StandardCharsets.UTF_8);
		int at = -1;
		for (int i = 0; i + name.length < bytes.length && at < 0; i++) {
			if (Arrays.equals(bytes, i, i + name.length, name, 0, name.length) && bytes[i - 8] == name.length) {
				at = i + name.length;
			}
		}
		ByteBuffer header = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
		int dims = header.getInt(at);
		int typeAt = at + 4 + 8 * dims;
		assertEquals(GgmlType.Q4_K.id(), header.getInt(typeAt));
		header.putInt(typeAt, type.id());
		Files.write(file, bytes);
		return file;
	}

	@Test
	void aTensorOfATypeTheEngineDoesNotReadIsRefusedNamingTensorAndType(@TempDir Path dir) throws Exception {
		for (GgmlType type : List.of(GgmlType.Q2_K, GgmlType.IQ2_XXS)) {
			try (GgufFile gguf = GgufFile.open(withType(dir, "blk.1.attn_k.weight", type))) {
				ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufLlama.load(gguf));
				assertTrue(e.getMessage().endsWith("tensor blk.1.attn_k.weight: " + type
						+ " is not a type the engine reads (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K are)"), e.getMessage());
			}
		}
	}
}
