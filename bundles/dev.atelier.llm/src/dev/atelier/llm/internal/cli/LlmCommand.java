package dev.atelier.llm.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.osgi.service.component.annotations.Component;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.gguf.GgufFile;
import dev.atelier.llm.internal.engine.Generator;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.llama2c.Llama2cCheckpoint;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/** {@code atelier llm generate …}: the embedded engine from the command line. */
@Component(service = Subcommand.class)
public final class LlmCommand implements Subcommand {

	@Override
	public String name() {
		return "llm";
	}

	@Override
	public String summary() {
		return "the embedded LLM engine: generate tokens (llama2.c checkpoints), tokenize with a GGUF vocabulary";
	}

	@Override
	public String usage() {
		return """
				usage: atelier llm generate --model FILE (--prompt TEXT | --prompt-ids "1 2 …") [--temperature 0] [--max-tokens N]
				                            [--seed N] [--threads N] [--emit text|ids]
				       atelier llm tokenize --model FILE.gguf (--text TEXT | --ggml-vocab-test FILE.inp)

				  --prompt-ids   token ids used exactly as given (no BOS is added)
				  --max-tokens   generated tokens (default 256); generation also stops at the end of the context
				  --emit ids     standard output holds only the generated ids, separated by spaces
				A llama2.c .bin checkpoint has no tokenizer: use --prompt-ids and --emit ids with it.
				tokenize prints the ids of the text (no BOS, special tokens not parsed); with --ggml-vocab-test, one line per
				input of llama.cpp's test file, in the .out format.
				(Generation from GGUF models is not in this build yet.)""";
	}

	@Override
	public int run(CommandContext ctx) {
		List<String> args = ctx.args();
		if (!args.isEmpty() && args.get(0).equals("tokenize")) {
			return tokenize(ctx, args.subList(1, args.size()));
		}
		if (args.isEmpty() || !args.get(0).equals("generate")) {
			ctx.err().println("atelier llm: " + (args.isEmpty() ? "a command is needed" : "unknown command '" + args.get(0) + "'")
					+ " (see atelier help llm)");
			return 2;
		}
		Path model = null;
		String prompt = null;
		List<Integer> promptIds = null;
		double temperature = 0;
		int maxTokens = 256;
		long seed = 0;
		int threads = Runtime.getRuntime().availableProcessors();
		String emit = "text";
		try {
			for (int i = 1; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--model" -> model = Path.of(value(args, ++i, "--model"));
				case "--prompt" -> prompt = value(args, ++i, "--prompt");
				case "--prompt-ids" -> promptIds = ids(value(args, ++i, "--prompt-ids"));
				case "--temperature" -> temperature = number(value(args, ++i, "--temperature"), "--temperature");
				case "--max-tokens" -> maxTokens = (int) whole(value(args, ++i, "--max-tokens"), "--max-tokens", 1);
				case "--seed" -> seed = whole(value(args, ++i, "--seed"), "--seed", Long.MIN_VALUE);
				case "--threads" -> threads = (int) whole(value(args, ++i, "--threads"), "--threads", 1);
				case "--emit" -> {
					emit = value(args, ++i, "--emit");
					if (!emit.equals("text") && !emit.equals("ids")) {
						throw new IllegalArgumentException("--emit must be text or ids, not '" + emit + "'");
					}
				}
				default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see atelier help llm)");
				}
			}
			if (model == null) {
				throw new IllegalArgumentException("--model FILE is needed");
			}
			if ((prompt == null) == (promptIds == null)) {
				throw new IllegalArgumentException("give either --prompt TEXT or --prompt-ids \"1 2 …\"");
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm generate: " + e.getMessage());
			return 2;
		}
		if (prompt != null || emit.equals("text")) {
			ctx.err().println("atelier llm generate: " + model + " has no tokenizer in this build (llama2.c checkpoints carry none): use --prompt-ids and"
					+ " --emit ids");
			return 2;
		}
		Llama2cCheckpoint checkpoint;
		try {
			checkpoint = Llama2cCheckpoint.open(model);
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier llm generate: " + model + ": no such file");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier llm generate: cannot read " + model + ": " + e.getMessage());
			return 1;
		} catch (ModelFormatException e) {
			ctx.err().println("atelier llm generate: " + e.getMessage());
			return 1;
		}
		Llama llama = new Llama(checkpoint.config(), checkpoint.weights(), threads);
		try {
			for (int id : promptIds) {
				if (id < 0 || id >= checkpoint.config().vocab()) {
					ctx.err().println("atelier llm generate: prompt token " + id + " is outside the vocabulary of " + checkpoint.config().vocab());
					return 2;
				}
			}
			List<String> out = new ArrayList<>();
			Sampling sampling = temperature == 0 ? Sampling.greedy() : Sampling.of(temperature, seed);
			Usage usage = Generator.generate(llama, promptIds, maxTokens, sampling, Set.of(), token -> out.add(Integer.toString(token)), () -> false);
			ctx.out().println(String.join(" ", out));
			ctx.err().printf(Locale.ROOT, "atelier llm: %d prompt tokens, %d generated, first token after %.1f ms, %.1f tokens/s%n", usage.promptTokens(),
					usage.generatedTokens(), usage.timeToFirstTokenMillis(), usage.decodeTokensPerSecond());
			return 0;
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm generate: " + e.getMessage());
			return 2;
		} finally {
			llama.close();
			checkpoint.close();
		}
	}

	private static int tokenize(CommandContext ctx, List<String> args) {
		Path model = null;
		String text = null;
		Path vocabTest = null;
		try {
			for (int i = 0; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--model" -> model = Path.of(value(args, ++i, "--model"));
				case "--text" -> text = value(args, ++i, "--text");
				case "--ggml-vocab-test" -> vocabTest = Path.of(value(args, ++i, "--ggml-vocab-test"));
				default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see atelier help llm)");
				}
			}
			if (model == null || (text == null) == (vocabTest == null)) {
				throw new IllegalArgumentException("--model FILE.gguf and either --text TEXT or --ggml-vocab-test FILE.inp are needed");
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm tokenize: " + e.getMessage());
			return 2;
		}
		try (GgufFile gguf = GgufFile.open(model)) {
			Tokenizer tokenizer = Tokenizers.of(gguf);
			List<String> inputs = text != null ? List.of(text) : VocabTest.inputs(Files.readString(vocabTest, StandardCharsets.UTF_8));
			for (String input : inputs) {
				ctx.out().println(VocabTest.line(tokenizer.encode(input)));
			}
			return 0;
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier llm tokenize: " + e.getFile() + ": no such file");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier llm tokenize: cannot read " + e.getMessage());
			return 1;
		} catch (ModelFormatException e) {
			ctx.err().println("atelier llm tokenize: " + e.getMessage());
			return 1;
		}
	}

	private static List<Integer> ids(String text) {
		List<Integer> ids = new ArrayList<>();
		for (String part : text.strip().split("[\\s,]+")) {
			if (!part.isEmpty()) {
				try {
					ids.add(Integer.parseInt(part));
				} catch (NumberFormatException e) {
					throw new IllegalArgumentException("--prompt-ids must be whole numbers separated by spaces, not '" + part + "'");
				}
			}
		}
		if (ids.isEmpty()) {
			throw new IllegalArgumentException("--prompt-ids is empty");
		}
		return ids;
	}

	private static String value(List<String> args, int i, String option) {
		if (i >= args.size()) {
			throw new IllegalArgumentException(option + " needs a value");
		}
		return args.get(i);
	}

	private static double number(String text, String option) {
		try {
			double v = Double.parseDouble(text);
			if (v >= 0 && Double.isFinite(v)) {
				return v;
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException(option + " must be a number of 0 or more, not '" + text + "'");
	}

	private static long whole(String text, String option, long min) {
		try {
			long v = Long.parseLong(text);
			if (v >= min) {
				return v;
			}
		} catch (NumberFormatException e) {
			// reported below
		}
		throw new IllegalArgumentException(option + " must be a whole number" + (min > Long.MIN_VALUE ? " of " + min + " or more" : "") + ", not '"
				+ text + "'");
	}
}
