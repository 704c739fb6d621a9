package dev.atelier.llm.internal.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.llm.ModelFormatException;

/**
 * llama2.c's {@code tokenizer.bin}: an int (the longest token's length), then per token a float score, an int length
 * and the bytes, for {@code vocabSize} tokens (the model's: the file does not say; bytes left over mean another
 * vocabulary). Its export wrote SentencePiece's U+2581 as a plain space; that is
 * undone, and ids 0–2 (unknown, BOS, EOS) and 3–258 (bytes) are typed as in the SentencePiece model, so that it
 * tokenizes as the {@code llama} tokenizer does.
 */
public final class Llama2cTokenizer {

	private Llama2cTokenizer() {
	}

	public static Tokenizer read(Path file, int vocabSize) throws IOException {
		AtomicFiles.requireRegular(file); // a FIFO would block the reader forever
		byte[] raw = Files.readAllBytes(file);
		ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
		if (raw.length < 4) {
			throw new ModelFormatException(file, "a llama2.c tokenizer starts with a 4-byte maximum token length; the file has " + raw.length + " bytes");
		}
		int maxLength = in.getInt();
		List<byte[]> tokens = new ArrayList<>(vocabSize);
		float[] scores = new float[vocabSize];
		int[] types = new int[vocabSize];
		for (int i = 0; i < vocabSize; i++) {
			if (in.remaining() < 8) {
				throw new ModelFormatException(file, "token " + i + " of " + vocabSize + ": the file ends at byte " + in.position() + " (truncated?)");
			}
			scores[i] = in.getFloat();
			int length = in.getInt();
			if (length < 0 || length > maxLength || length > in.remaining()) {
				throw new ModelFormatException(file, "token " + i + " has length " + length + " at byte " + (in.position() - 4) + " (the maximum is "
						+ maxLength + ")");
			}
			byte[] text = new byte[length];
			in.get(text);
			tokens.add(new String(text, StandardCharsets.UTF_8).replace(' ', '\u2581').getBytes(StandardCharsets.UTF_8));
			types[i] = i == 0 ? Vocabulary.TYPE_UNKNOWN : i <= 2 ? Vocabulary.TYPE_CONTROL : i <= 258 ? Vocabulary.TYPE_BYTE : Vocabulary.TYPE_NORMAL;
		}
		if (in.hasRemaining()) {
			throw new ModelFormatException(file, "holds more than the model's " + vocabSize + " tokens: it is the tokenizer of another vocabulary");
		}
		Vocabulary vocabulary = new Vocabulary(tokens, scores, types);
		return new SpecialTokens(new SpmTokenizer(vocabulary, true, 0), vocabulary);
	}
}
