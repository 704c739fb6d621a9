package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.tokenizer.Llama2cTokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizer;

/**
 * A llama2.c {@code tokenizer.bin}, read for a vocabulary size that the input's first two bytes give (the product
 * takes it from the checkpoint), then used on a prompt.
 */
public final class Llama2cTokenizerTarget {

	private Llama2cTokenizerTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(Llama2cTokenizerTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		int vocab = data.length < 2 ? 1 : 1 + ((data[0] & 0xff) | (data[1] & 0xff) << 8);
		Path file = Contract.write("tokenizer.bin", data.length < 2 ? data : Arrays.copyOfRange(data, 2, data.length));
		Contract.refusesOnlyWith(file, List.of(IOException.class, ModelFormatException.class), () -> {
			Tokenizer tokenizer = Llama2cTokenizer.read(file, vocab);
			tokenizer.decode(tokenizer.encode("Once upon a time, ünï 42"));
		});
	}
}
