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
 * SentencePiece-style tokenization as llama.cpp's {@code llama} vocabularies do it: spaces become U+2581 (with
 * one in front of the text when the vocabulary asks for a space prefix), the text is split into UTF-8
 * characters, and adjacent pieces are merged, highest-scoring merged token first (leftmost on ties), while the
 * merge is a token; pieces left that are not tokens fall back to byte tokens {@code <0xXX>}.
 */
final class SpmTokenizer implements Tokenizer {

	private static final byte[] SPACE = "\u2581".getBytes(StandardCharsets.UTF_8);

	private final Vocabulary vocabulary;
	private final boolean addSpacePrefix;
	private final int unknown;

	SpmTokenizer(Vocabulary vocabulary, boolean addSpacePrefix, int unknown) {
		this.vocabulary = vocabulary;
		this.addSpacePrefix = addSpacePrefix;
		this.unknown = unknown;
	}

	@Override
	public int vocabularySize() {
		return vocabulary.size();
	}

	private static final class Symbol {
		int prev;
		int next;
		int start;
		int length;
	}

	private record Bigram(int left, int right, float score, int length) {
	}

	@Override
	public List<Integer> encode(String text) {
		List<Integer> out = new ArrayList<>();
		if (text.isEmpty()) {
			return out;
		}
		byte[] bytes = escape((addSpacePrefix ? " " : "") + text);
		List<Symbol> symbols = new ArrayList<>();
		for (int offset = 0; offset < bytes.length;) {
			Symbol s = new Symbol();
			s.start = offset;
			s.length = Math.min(bytes.length - offset, utf8Length(bytes[offset]));
			s.prev = symbols.size() - 1;
			offset += s.length;
			s.next = offset == bytes.length ? -1 : symbols.size() + 1;
			symbols.add(s);
		}
		PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) -> a.score() != b.score() ? Float.compare(b.score(), a.score())
				: Integer.compare(a.left(), b.left()));
		Map<String, int[]> reverseMerges = new HashMap<>();
		for (int i = 1; i < symbols.size(); i++) {
			addBigram(bytes, symbols, i - 1, i, queue, reverseMerges);
		}
		while (!queue.isEmpty()) {
			Bigram bigram = queue.poll();
			Symbol left = symbols.get(bigram.left());
			Symbol right = symbols.get(bigram.right());
			if (left.length == 0 || right.length == 0 || left.length + right.length != bigram.length()) {
				continue; // one side was merged into something else since
			}
			left.length += right.length;
			right.length = 0;
			left.next = right.next;
			if (right.next >= 0) {
				symbols.get(right.next).prev = bigram.left();
			}
			addBigram(bytes, symbols, left.prev, bigram.left(), queue, reverseMerges);
			addBigram(bytes, symbols, bigram.left(), left.next, queue, reverseMerges);
		}
		for (int i = 0; i != -1; i = symbols.get(i).next) {
			resegment(bytes, symbols, symbols.get(i), reverseMerges, out);
		}
		return out;
	}

	private void addBigram(byte[] bytes, List<Symbol> symbols, int left, int right, PriorityQueue<Bigram> queue, Map<String, int[]> reverse) {
		if (left == -1 || right == -1) {
			return;
		}
		Symbol l = symbols.get(left);
		Symbol r = symbols.get(right);
		String merged = Vocabulary.key(bytes, l.start, l.length + r.length);
		OptionalInt token = vocabulary.id(merged);
		if (token.isEmpty()) {
			return;
		}
		queue.add(new Bigram(left, right, vocabulary.score(token.getAsInt()), l.length + r.length));
		reverse.put(merged, new int[] { left, right });
	}

	private void resegment(byte[] bytes, List<Symbol> symbols, Symbol symbol, Map<String, int[]> reverse, List<Integer> out) {
		String text = Vocabulary.key(bytes, symbol.start, symbol.length);
		OptionalInt token = vocabulary.id(text);
		if (token.isPresent()) {
			out.add(token.getAsInt());
			return;
		}
		int[] parts = reverse.get(text);
		if (parts == null) {
			for (int i = 0; i < symbol.length; i++) {
				out.add(byteToken(bytes[symbol.start + i]));
			}
			return;
		}
		resegment(bytes, symbols, symbols.get(parts[0]), reverse, out);
		resegment(bytes, symbols, symbols.get(parts[1]), reverse, out);
	}

	private int byteToken(byte b) {
		return vocabulary.id(String.format("<0x%02X>", b & 0xff)).orElse(unknown);
	}

	/** UTF-8 of the text with every space written as U+2581. */
	private static byte[] escape(String text) {
		byte[] raw = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 16);
		for (byte b : raw) {
			if (b == ' ') {
				out.writeBytes(SPACE);
			} else {
				out.write(b);
			}
		}
		return out.toByteArray();
	}

	/** The length of the UTF-8 sequence a lead byte starts, from its top four bits (llama.cpp's table). */
	static int utf8Length(byte lead) {
		int top = (lead & 0xff) >> 4;
		return top < 12 ? 1 : top < 14 ? 2 : top == 14 ? 3 : 4;
	}

	@Override
	public String decode(List<Integer> ids) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int id : ids) {
			byte[] piece = vocabulary.bytes(id);
			if (vocabulary.type(id) == Vocabulary.TYPE_BYTE && piece.length == 6) {
				out.write(Integer.parseInt(new String(piece, 3, 2, StandardCharsets.US_ASCII), 16));
			} else if (vocabulary.type(id) != Vocabulary.TYPE_CONTROL) {
				out.writeBytes(piece);
			}
		}
		return new String(out.toByteArray(), StandardCharsets.UTF_8).replace('\u2581', ' ');
	}
}
