package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.gguf.GgufWriter;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/**
 * Byte-level BPE (llama.cpp's {@code gpt2} vocabularies) on a vocabulary the test makes: id b is byte b's GPT-2
 * stand-in, then the tokens of a few merges and two special tokens; expected ids are worked out by hand from the
 * merge ranks. llama.cpp's real vocabularies: VocabTestVectorsTest and EmbeddedChatTest, with $ATELIER_TESTDATA.
 */
class BpeTokenizerTest {

	private static final int NORMAL = 1;
	private static final int CONTROL = 3;
	private static final int USER_DEFINED = 4;
	/** By rank; each makes the token of its two halves joined. */
	private static final List<String> MERGES = List.of("Ġ t", "h e", "Ġt he", "b c", "a b", "1 2", "12 3", "4 5", "123 45", "t '");
	private static final String END = "<|endoftext|>";
	private static final String TOOL = "<tool>";

	private static final List<String> TOKENS = new ArrayList<>();

	static {
		for (int b = 0; b < 256; b++) {
			TOKENS.add(standIn(b));
		}
		MERGES.forEach(m -> TOKENS.add(m.replace(" ", "")));
		TOKENS.addAll(List.of("Ġxyz", END, TOOL));
	}

	/** GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others for U+0100 on, in byte order. */
	private static String standIn(int b) {
		int n = 0;
		for (int c = 0; c < b; c++) {
			n += printable(c) ? 0 : 1;
		}
		return printable(b) ? Character.toString(b) : Character.toString(256 + n);
	}

	private static boolean printable(int b) {
		return b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE;
	}

	private static int id(String token) {
		return TOKENS.indexOf(token);
	}

	private static Tokenizer tokenizer(Path dir, String pre) throws Exception {
		int[] types = TOKENS.stream().mapToInt(t -> t.equals(END) ? CONTROL : t.equals(TOOL) ? USER_DEFINED : NORMAL).toArray();
		Path file = dir.resolve(pre + ".gguf");
		new GgufWriter().put("general.architecture", "gpt2").put("tokenizer.ggml.model", "gpt2").put("tokenizer.ggml.pre", pre)
				.put("tokenizer.ggml.tokens", TOKENS).put("tokenizer.ggml.token_type", types).put("tokenizer.ggml.merges", MERGES).write(file);
		try (GgufFile gguf = GgufFile.open(file)) {
			return Tokenizers.of(gguf);
		}
	}

	@Test
	void bytesStandForThemselvesOrForGpt2sStandIns() {
		assertEquals("Ġ", standIn(' '), "GPT-2 writes a space as U+0120");
		assertEquals("Ċ", standIn('\n'), "and a newline as U+010A");
		assertEquals("é", standIn(0xE9));
	}

	@Test
	void mergesApplyLowestRankFirstWithinThePreTokenizersWords(@TempDir Path dir) throws Exception {
		Tokenizer t = tokenizer(dir, "gpt-2");
		assertEquals(List.of((int) 'a', id("bc")), t.encode("abc"), "b c (rank 3) before a b (rank 4)");
		assertEquals(List.of(id("Ġthe"), id("Ġthe")), t.encode(" the the"), "Ġt and he, then Ġt he");
		assertEquals(List.of((int) 't', id("he")), t.encode("the"), "no merge joins t and he");
		assertEquals(List.of(id("12345")), t.encode("12345"), "GPT-2 keeps a number one word");
		assertEquals(List.of((int) 'i', (int) 't', (int) '\'', (int) 's'), t.encode("it's"), "'s is a word of its own: t ' does not merge");
		assertEquals(List.of(0xC3, 0xA9, (int) '\n'), t.encode("é\n"), "é as its two UTF-8 bytes, the newline as its byte");
		assertEquals(List.of((int) ' ', (int) 'x', (int) 'y', (int) 'z'), t.encode(" xyz"), "no merges reach Ġxyz: GPT-2 does not look whole words up");
	}

	@Test
	void llama3sPreTokenizerSplitsNumbersInThreesAndTakesWholeWords(@TempDir Path dir) throws Exception {
		Tokenizer t = tokenizer(dir, "llama-bpe");
		assertEquals(List.of(id("123"), id("45")), t.encode("12345"));
		assertEquals(List.of(id("Ġxyz")), t.encode(" xyz"), "a word that is a token is taken whole");
	}

	@Test
	void specialTokensAreTextUnlessAskedForAndUserDefinedOnesAlwaysSplit(@TempDir Path dir) throws Exception {
		Tokenizer t = tokenizer(dir, "gpt-2");
		List<Integer> plain = new ArrayList<>(List.of((int) 'h', (int) 'i', (int) '<', (int) '|'));
		"endoftext".chars().forEach(plain::add);
		plain.addAll(List.of((int) '|', (int) '>'));
		assertEquals(plain, t.encode("hi" + END), "as plain text the marker is its pieces");
		assertEquals(List.of((int) 'h', (int) 'i', id(END)), t.encodeWithSpecials("hi" + END));
		assertEquals(id(END), t.id(END).getAsInt());
		assertEquals(List.of((int) 'a', id(TOOL), (int) 'b'), t.encode("a" + TOOL + "b"), "a user-defined token even in plain text");
		assertEquals("hi", t.decode(t.encodeWithSpecials("hi" + END)), "control tokens decode to nothing");
		String text = "Hello, world's 12345 é\n\tthe end " + TOOL + " ✓";
		assertEquals(text, t.decode(t.encode(text)), "decoding gives the bytes back");
		assertEquals(TOKENS.size(), t.vocabularySize());
	}
}
