package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufTensor;
import dev.atelier.llm.internal.gguf.GgufWriter;

class GgufFileTest {

	private static Path sample(Path dir) throws Exception {
		ByteBuffer weights = ByteBuffer.allocate(4 * 64).order(ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < 64; i++) {
			weights.putFloat(i * 0.5f);
		}
		Path file = dir.resolve("sample.gguf");
		new GgufWriter().put("general.architecture", "llama").put("llama.block_count", 2).put("general.file_type", 7L)
				.put("llama.rope.freq_base", 500000f).put("tokenizer.ggml.tokens", List.of("<unk>", "a", "é"))
				.put("tokenizer.ggml.scores", new float[] { 0f, -1f, -2.5f }).put("tokenizer.ggml.token_type", new int[] { 2, 1, 1 })
				.put("tokenizer.ggml.add_bos_token", true).tensor("w", GgmlType.F32, new long[] { 16, 4 }, weights.array())
				.tensor("q", GgmlType.Q8_0, new long[] { 32, 2 }, new byte[68]).write(file);
		return file;
	}

	/** The server's tests make their model from this vocabulary through `atelier llm synth`; it must stay the tiny one. */
	@Test
	void theServerTestsVocabularyFixtureIsTheTinyVocabulary(@TempDir Path dir) throws Exception {
		Path fixture = Path.of("../dev.atelier.server.tests/fixture/tiny-vocab.gguf");
		assertArrayEquals(Files.readAllBytes(TinyVocab.write(dir.resolve("vocab.gguf"))), Files.readAllBytes(fixture),
				fixture + " differs from TinyVocab.write: write it again from TinyVocab");
	}

	@Test
	void readsEveryMetadataTypeAndTheTensorsItWrote(@TempDir Path dir) throws Exception {
		try (GgufFile gguf = GgufFile.open(sample(dir))) {
			assertEquals(3, gguf.version());
			assertEquals("llama", gguf.string("general.architecture").orElseThrow());
			assertEquals(2L, gguf.integer("llama.block_count").orElseThrow());
			assertEquals(7L, gguf.integer("general.file_type").orElseThrow());
			assertEquals(500000.0, gguf.real("llama.rope.freq_base").orElseThrow());
			assertEquals(List.of("<unk>", "a", "é"), gguf.strings("tokenizer.ggml.tokens").orElseThrow());
			assertArrayEquals(new float[] { 0f, -1f, -2.5f }, gguf.require("tokenizer.ggml.scores", float[].class));
			assertArrayEquals(new int[] { 2, 1, 1 }, gguf.require("tokenizer.ggml.token_type", int[].class));
			assertEquals(true, gguf.require("tokenizer.ggml.add_bos_token", Boolean.class));
			GgufTensor w = gguf.tensors().get("w");
			assertEquals(GgmlType.F32, w.type());
			assertEquals(16, w.columns());
			assertEquals(4, w.rows());
			assertEquals(31.5f, w.data().get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 63 * 4));
			assertEquals(68, gguf.tensors().get("q").data().byteSize());
			assertEquals("sample.gguf: metadata llama.rope.freq_base is a Float, not a String".replace("sample.gguf", gguf.file().toString()),
					assertThrows(ModelFormatException.class, () -> gguf.string("llama.rope.freq_base")).getMessage());
			assertEquals(gguf.file() + ": metadata llama.context_length is missing",
					assertThrows(ModelFormatException.class, () -> gguf.require("llama.context_length", Long.class)).getMessage());
		}
	}

	@Test
	void everyTruncationIsRefusedWithoutReadingOutsideTheFile(@TempDir Path dir) throws Exception {
		byte[] whole = Files.readAllBytes(sample(dir));
		Path cut = dir.resolve("cut.gguf");
		// The last 28 bytes are padding after q's 68 bytes: a file cut there is still whole.
		for (int length = 0; length < whole.length - 28; length += 7) {
			Files.write(cut, Arrays.copyOf(whole, length));
			ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufFile.open(cut).close(), "cut at " + length);
			assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
		}
	}

	@Test
	void corruptHeadersAreRefusedNamingTheField(@TempDir Path dir) throws Exception {
		byte[] whole = Files.readAllBytes(sample(dir));
		assertEquals("not a GGUF file (the first four bytes are not \"GGUF\")", problem(dir, patch(whole, 0, 'X')));
		assertEquals("GGUF version 7 is not supported (2 and 3 are)", problem(dir, patchInt(whole, 4, 7)));
		assertEquals("the tensor count is 18446744073709551615, more than any model has", problem(dir, patchLong(whole, 8, -1)));
		assertEquals("the metadata count is 1099511627776, more than any model has", problem(dir, patchLong(whole, 16, 1L << 40)));
		// The first key's length: absurdly long.
		assertTrue(problem(dir, patchLong(whole, 24, 1L << 50)).startsWith("metadata entry 0's key has a string of 1125899906842624 bytes"));
		// The tensor "q": its type (after name, dims, shape) becomes 99, then its offset points past the end.
		int typeAt = lastTensorTypeOffset(whole);
		assertEquals("tensor q has the unknown tensor type 99", problem(dir, patchInt(whole, typeAt, 99)));
		// The data region holds w (256 bytes) and q (68, padded to 96).
		long dataStart = whole.length - 352;
		assertEquals("tensor q's data (68 bytes at file offset " + (dataStart + (1 << 30)) + ") lies outside the file of " + whole.length + " bytes",
				problem(dir, patchLong(whole, typeAt + 4, 1 << 30)));
		assertEquals("tensor q starts at data offset 33, not a multiple of the alignment 32", problem(dir, patchLong(whole, typeAt + 4, 33)));
	}

	private static String problem(Path dir, byte[] bytes) throws Exception {
		Path f = Files.write(dir.resolve("bad.gguf"), bytes);
		String message = assertThrows(ModelFormatException.class, () -> GgufFile.open(f).close()).getMessage();
		assertTrue(message.startsWith(f + ": "), message);
		return message.substring(f.toString().length() + 2);
	}

	private static byte[] patch(byte[] b, int at, char c) {
		byte[] copy = b.clone();
		copy[at] = (byte) c;
		return copy;
	}

	private static byte[] patchInt(byte[] b, int at, int v) {
		byte[] copy = b.clone();
		ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
		return copy;
	}

	private static byte[] patchLong(byte[] b, int at, long v) {
		byte[] copy = b.clone();
		ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
		return copy;
	}

	private static long readLong(byte[] b, int at) {
		return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
	}

	/** The last tensor info is "q": name (8 + 1 bytes), n_dims (4), two dims (16), then its type and offset. */
	private static int lastTensorTypeOffset(byte[] b) {
		for (int i = b.length - 9; i > 0; i--) {
			if (readLong(b, i) == 1 && b[i + 8] == 'q' && ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(i + 9) == 2) {
				return i + 9 + 4 + 16;
			}
		}
		throw new AssertionError("no tensor q");
	}
}
