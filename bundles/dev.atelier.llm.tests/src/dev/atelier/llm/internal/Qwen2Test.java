package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.gguf.GgufFile;

/**
 * A tiny Qwen2 GGUF (TinyLlama's weights under {@code qwen2.*} metadata, with Q/K/V biases): the engine adds the
 * biases before the rotation and rotates NeoX-order pairs, as the reference does; with zero biases it is the Llama of
 * the same weights once Q and K rows are permuted into interleaved pairs, as llama.cpp's converter does for Llama.
 */
class Qwen2Test {

	/** Absolute logit difference allowed against the double-precision reference (logits are of order 1; as the llama2.c test). */
	private static final double REFERENCE_TOLERANCE = 1e-3;
	/** Between two float forwards of the same network: only the order of the attention sums differs. */
	private static final double SAME_NETWORK_TOLERANCE = 1e-4;
	private static final int[] TOKENS = { 1, 7, 3, 12, 5, 9, 2, 14, 6, 11, 4, 8 };

	private static float[][] biases(long seed, double sigma) {
		Random r = new Random(seed);
		float[][] b = { new float[TinyLlama.LAYERS * TinyLlama.DIM], new float[TinyLlama.LAYERS * TinyLlama.KV_DIM],
				new float[TinyLlama.LAYERS * TinyLlama.KV_DIM] };
		for (float[] v : b) {
			for (int i = 0; i < v.length; i++) {
				v[i] = (float) (r.nextGaussian() * sigma);
			}
		}
		return b;
	}

	/** Per head, row j goes to 2j and row j + HEAD_SIZE/2 to 2j + 1: NeoX-order pairs become interleaved ones. */
	private static float[] interleaved(float[] rows) {
		int hs = TinyLlama.HEAD_SIZE;
		int cols = TinyLlama.DIM;
		float[] out = new float[rows.length];
		for (int r = 0; r < rows.length / cols; r++) {
			int head = r / hs * hs;
			int j = r % hs;
			int to = head + (j < hs / 2 ? 2 * j : 2 * (j - hs / 2) + 1);
			System.arraycopy(rows, r * cols, out, to * cols, cols);
		}
		return out;
	}

	/** The logits after each of TOKENS: prefilled in one batch and, on a second engine, decoded one at a time; both are returned. */
	private static List<float[]> logits(Path file) throws Exception {
		List<float[]> out = new ArrayList<>();
		try (GgufFile gguf = GgufFile.open(file)) {
			GgufLlama.Model m = GgufLlama.load(gguf);
			Llama batch = Engines.llama(m.config(), m.weights(), 2);
			batch.forward(TOKENS, 0, 0, (i, l) -> out.add(l.clone()));
			batch.close();
			Llama decode = Engines.llama(m.config(), m.weights(), 1);
			for (int pos = 0; pos < TOKENS.length; pos++) {
				out.add(decode.forward(TOKENS[pos], pos).clone());
			}
			decode.close();
		}
		return out;
	}

	private static double worst(List<float[]> got, List<double[]> want) {
		double worst = 0;
		for (int t = 0; t < got.size(); t++) {
			for (int i = 0; i < got.get(t).length; i++) {
				worst = Math.max(worst, Math.abs(got.get(t)[i] - want.get(t)[i]));
			}
		}
		return worst;
	}

	private static List<double[]> widened(List<float[]> logits) {
		return logits.stream().map(l -> {
			double[] d = new double[l.length];
			for (int i = 0; i < l.length; i++) {
				d[i] = l[i];
			}
			return d;
		}).toList();
	}

	@Test
	void qwen2LogitsMatchTheReferenceWithBiasesBeforeNeoxRotation(@TempDir Path dir) throws Exception {
		TinyLlama tiny = new TinyLlama(false, 23);
		float[][] biases = biases(5, 0.5);
		List<float[]> got = logits(tiny.writeGguf(dir.resolve("qwen2.gguf"), "qwen2", tiny.wq, tiny.wk, biases));
		TinyLlama.Reference reference = tiny.new Reference(biases, true);
		List<double[]> want = new ArrayList<>();
		for (int pos = 0; pos < TOKENS.length; pos++) {
			want.add(reference.forward(TOKENS[pos], pos));
		}
		List<double[]> twice = new ArrayList<>(want);
		twice.addAll(want); // batch, then decode
		double worst = worst(got, twice);
		assertTrue(worst < REFERENCE_TOLERANCE, "logits differ from the reference by up to " + worst);

		TinyLlama.Reference unbiased = tiny.new Reference(null, true);
		double effect = 0;
		for (int pos = 0; pos < TOKENS.length; pos++) {
			double[] u = unbiased.forward(TOKENS[pos], pos);
			for (int i = 0; i < u.length; i++) {
				effect = Math.max(effect, Math.abs(u[i] - want.get(pos)[i]));
			}
		}
		assertTrue(effect > 100 * REFERENCE_TOLERANCE, "the biases move the logits (by " + effect + "), so leaving them out would fail");
	}

	@Test
	void qwen2WithZeroBiasesGivesTheLlamaLogitsOfTheSameWeights(@TempDir Path dir) throws Exception {
		TinyLlama tiny = new TinyLlama(true, 29);
		List<float[]> qwen = logits(tiny.writeGguf(dir.resolve("qwen2.gguf"), "qwen2", tiny.wq, tiny.wk, biases(5, 0)));
		List<float[]> llama = logits(tiny.writeGguf(dir.resolve("llama.gguf"), "llama", interleaved(tiny.wq), interleaved(tiny.wk), null));
		double worst = worst(qwen, widened(llama));
		assertTrue(worst < SAME_NETWORK_TOLERANCE, "qwen2 with zero biases differs from the llama by up to " + worst);
	}

	@Test
	void aQwen2FileMissingABiasIsRefusedNamingTheTensor(@TempDir Path dir) throws Exception {
		TinyLlama tiny = new TinyLlama(false, 23);
		Path file = tiny.writeGguf(dir.resolve("qwen2.gguf"), "qwen2", tiny.wq, tiny.wk, biases(5, 0.5));
		// renamed in place (same length), so the file is otherwise intact
		byte[] bytes = Files.readAllBytes(file);
		byte[] name = "blk.1.attn_v.bias".getBytes(StandardCharsets.US_ASCII);
		int at = indexOf(bytes, name);
		bytes[at + name.length - 1] = 'x';
		Files.write(file, bytes);
		try (GgufFile gguf = GgufFile.open(file)) {
			ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufLlama.load(gguf));
			assertTrue(e.getMessage().endsWith("tensor blk.1.attn_v.bias is missing"), e.getMessage());
		}
	}

	@Test
	void anotherArchitectureIsRefusedNamingGeneralArchitecture(@TempDir Path dir) throws Exception {
		TinyLlama tiny = new TinyLlama(false, 23);
		try (GgufFile gguf = GgufFile.open(tiny.writeGguf(dir.resolve("phi3.gguf"), "phi3", tiny.wq, tiny.wk, null))) {
			ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufLlama.load(gguf));
			assertTrue(e.getMessage().contains("general.architecture") && e.getMessage().contains("'phi3'"), e.getMessage());
		}
	}

	private static int indexOf(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i + needle.length <= haystack.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		throw new AssertionError("no " + new String(needle, StandardCharsets.US_ASCII) + " in the file");
	}
}
