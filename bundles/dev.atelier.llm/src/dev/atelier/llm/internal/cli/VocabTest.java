package dev.atelier.llm.internal.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** llama.cpp's tokenizer test files: inputs in {@code .inp} separated by a marker line, one line of ids per input in {@code .out}. */
public final class VocabTest {

	private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

	private VocabTest() {
	}

	/** The inputs of an {@code .inp} file (which ends with the separator). */
	public static List<String> inputs(String text) {
		List<String> parts = new ArrayList<>(Arrays.asList(text.split(Pattern.quote(SEPARATOR), -1)));
		if (text.endsWith(SEPARATOR)) {
			parts.remove(parts.size() - 1);
		}
		return parts;
	}

	/** One line of the {@code .out} format: each id preceded by a space. */
	public static String line(List<Integer> ids) {
		StringBuilder sb = new StringBuilder();
		ids.forEach(id -> sb.append(' ').append(id));
		return sb.toString();
	}
}
