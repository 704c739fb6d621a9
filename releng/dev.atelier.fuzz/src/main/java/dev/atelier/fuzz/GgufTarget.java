package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.engine.GgufLlama;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/** A GGUF file as the LLM engine loads it: header and metadata, the Llama config and weights' layout, the tokenizer. */
public final class GgufTarget {

	private GgufTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(GgufTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path file = Contract.write("model.gguf", data);
		Contract.refusesOnlyWith(file, List.of(IOException.class, ModelFormatException.class), () -> {
			try (GgufFile gguf = GgufFile.open(file)) {
				gguf.metadata();
				// the tokenizer first, so that a file without weights still tries it
				if (gguf.metadata().containsKey("tokenizer.ggml.model")) {
					Tokenizer tokenizer = Tokenizers.of(gguf);
					tokenizer.decode(tokenizer.encodeWithSpecials("Hello, world! <s>ünï</s> 123"));
				}
				if (gguf.string("general.architecture").isPresent()) {
					GgufLlama.load(gguf);
				}
			}
		});
	}
}
