package dev.atelier.llm.internal.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;

/**
 * Byte-level BPE as llama.cpp's {@code gpt2} vocabularies do it: the pre-tokenizer splits the text into words,
 * each word's UTF-8 bytes are written as GPT-2's printable stand-ins (one character per byte), and adjacent
 * pieces are merged lowest merge rank first (leftmost on ties) until no listed merge applies.
 */
final class BpeTokenizer implements Tokenizer {

	/** GPT-2's byte → character map: printable Latin-1 bytes stand for themselves, the rest for 256 + n. */
	private static final int[] BYTE_TO_CHAR = new int[256];
	private static final Map<Integer, Integer> CHAR_TO_BYTE = new HashMap<>();

	static {
		int n = 0;
		for (int b = 0; b < 256; b++) {
			boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
			BYTE_TO_CHAR[b] = printable ? b : 256 + n++;
			CHAR_TO_BYTE.put(BYTE_TO_CHAR[b], b);
		}
	}

	private final Vocabulary vocabulary;
	private final Map<String, Integer> ranks = new HashMap<>();
	private final PreTokenizer pre;
	private final boolean ignoreMerges;

	BpeTokenizer(Vocabulary vocabulary, List<byte[]> merges, PreTokenizer pre, boolean ignoreMerges) {
		this.vocabulary = vocabulary;
		this.pre = pre;
		this.ignoreMerges = ignoreMerges;
		for (int i = 0; i < merges.size(); i++) {
			ranks.putIfAbsent(Vocabulary.key(merges.get(i)), i);
		}
	}

	@Override
	public int vocabularySize() {
		return vocabulary.size();
	}

	private record Bigram(int left, int right, int rank, String text) {
	}

	@Override
	public List<Integer> encode(String text) {
		List<Integer> out = new ArrayList<>();
		for (String word : pre.split(text)) {
			byte[] mapped = mapBytes(word.getBytes(StandardCharsets.UTF_8));
			if (ignoreMerges) {
				OptionalInt whole = vocabulary.id(Vocabulary.key(mapped));
				if (whole.isPresent()) {
					out.add(whole.getAsInt());
					continue;
				}
			}
			encodeWord(mapped, out);
		}
		return out;
	}

	private void encodeWord(byte[] word, List<Integer> out) {
		List<int[]> symbols = new ArrayList<>(); // start, length, prev, next
		for (int offset = 0; offset < word.length;) {
			int length = Math.min(word.length - offset, SpmTokenizer.utf8Length(word[offset]));
			int index = symbols.size();
			symbols.add(new int[] { offset, length, index - 1, offset + length == word.length ? -1 : index + 1 });
			offset += length;
		}
		PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.rank() != b.rank() ? Integer.compare(a.rank(), b.rank())
				: Integer.compare(a.left(), b.left()));
		for (int i = 1; i < symbols.size(); i++) {
			addBigram(word, symbols, i - 1, i, queue);
		}
		while (!queue.isEmpty()) {
			Bigram bigram = queue.poll();
			int[] left = symbols.get(bigram.left());
			int[] right = symbols.get(bigram.right());
			if (left[1] == 0 || right[1] == 0 || !Vocabulary.key(word, left[0], left[1] + right[1]).equals(bigram.text())
					|| left[0] + left[1] != right[0]) {
				continue; // outdated
			}
			left[1] += right[1];
			right[1] = 0;
			left[3] = right[3];
			if (right[3] >= 0) {
				symbols.get(right[3])[2] = bigram.left();
			}
			addBigram(word, symbols, left[2], bigram.left(), queue);
			addBigram(word, symbols, bigram.left(), left[3], queue);
		}
		for (int[] s : symbols) {
			if (s[1] == 0) {
				continue;
			}
			OptionalInt token = vocabulary.id(Vocabulary.key(word, s[0], s[1]));
			if (token.isPresent()) {
				out.add(token.getAsInt());
			} else {
				// Not a token: each byte that is a token on its own, as llama.cpp does.
				for (int at = s[0]; at < s[0] + s[1]; at++) {
					vocabulary.id(Vocabulary.key(word, at, 1)).ifPresent(out::add);
				}
			}
		}
	}

	private void addBigram(byte[] word, List<int[]> symbols, int left, int right, PriorityQueue<Bigram> queue) {
		if (left == -1 || right == -1) {
			return;
		}
		int[] l = symbols.get(left);
		int[] r = symbols.get(right);
		String leftText = Vocabulary.key(word, l[0], l[1]);
		String rightText = Vocabulary.key(word, r[0], r[1]);
		Integer rank = ranks.get(leftText + " " + rightText);
		if (rank != null) {
			queue.add(new Bigram(left, right, rank, leftText + rightText));
		}
	}

	/** The word's bytes written as GPT-2's stand-in characters, in UTF-8. */
	static byte[] mapBytes(byte[] utf8) {
		StringBuilder sb = new StringBuilder(utf8.length);
		for (byte b : utf8) {
			sb.appendCodePoint(BYTE_TO_CHAR[b & 0xff]);
		}
		return sb.toString().getBytes(StandardCharsets.UTF_8);
	}

	@Override
	public String decode(List<Integer> ids) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int id : ids) {
			if (vocabulary.type(id) == Vocabulary.TYPE_CONTROL) {
				continue;
			}
			new String(vocabulary.bytes(id), StandardCharsets.UTF_8).codePoints().forEach(c -> {
				Integer b = CHAR_TO_BYTE.get(c);
				if (b != null) {
					out.write(b);
				} else {
					out.writeBytes(new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
				}
			});
		}
		return new String(out.toByteArray(), StandardCharsets.UTF_8);
	}
}
