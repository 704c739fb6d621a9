package dev.atelier.llm.internal.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.llm.ApiKeys;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.gguf.GgufFile;
import dev.atelier.llm.internal.engine.Generator;
import dev.atelier.llm.gguf.GgmlType;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.tokenizer.Llama2cTokenizer;
import dev.atelier.llm.internal.tokenizer.TextStream;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;

/** {@code atelier llm generate …}: the embedded engine from the command line. */
@Component(service = Subcommand.class)
public final class LlmCommand implements Subcommand {

	@Reference
	private SecretStore secrets;

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
				                            [--seed N] [--threads N] [--emit text|ids] [--tokenizer tokenizer.bin]
				       atelier llm tokenize --model FILE.gguf (--text TEXT | --ggml-vocab-test FILE.inp)
				       atelier llm bench --model FILE [--threads N] [--prompt-tokens 128] [--tokens 64]
				       atelier llm synth --shape 1b|3b|7b --type q8_0|q4_0|f16|bf16|f32 --vocab FILE.gguf --out FILE.gguf [--seed N]
				       atelier llm key --url URL [--remove]   (the key is read from standard input, kept in secure storage)

				  --prompt-ids   token ids used exactly as given (no BOS is added)
				  --max-tokens   generated tokens (default 256); generation also stops at the end of the context
				  --emit ids     standard output holds only the generated ids, separated by spaces
				A llama2.c .bin checkpoint has no tokenizer: use --prompt-ids and --emit ids with it, or give llama2.c's
				tokenizer.bin of its vocabulary with --tokenizer.
				tokenize prints the ids of the text (no BOS, special tokens not parsed); with --ggml-vocab-test, one line per
				input of llama.cpp's test file, in the .out format.
				bench prints prefill and decode tokens/s and the time to the first token (random prompt ids, greedy).
				synth writes a random-weight Llama GGUF of a real shape (Llama 3.2 1B/3B, Llama 2 7B) with the vocabulary's
				tokenizer, for benchmarks. GGUF models: Llama architecture, tensors in F32, F16, BF16, Q8_0 or Q4_0.""";
	}

	@Override
	public int run(CommandContext ctx) {
		List<String> args = ctx.args();
		if (!args.isEmpty() && args.get(0).equals("tokenize")) {
			return tokenize(ctx, args.subList(1, args.size()));
		}
		if (!args.isEmpty() && args.get(0).equals("synth")) {
			return synth(ctx, args.subList(1, args.size()));
		}
		if (!args.isEmpty() && args.get(0).equals("bench")) {
			return bench(ctx, args.subList(1, args.size()));
		}
		if (!args.isEmpty() && args.get(0).equals("key")) {
			return key(ctx, args.subList(1, args.size()));
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
		Path tokenizerFile = null;
		try {
			for (int i = 1; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--model" -> model = Path.of(Options.value(args, ++i, "--model"));
				case "--prompt" -> prompt = Options.value(args, ++i, "--prompt");
				case "--tokenizer" -> tokenizerFile = Path.of(Options.value(args, ++i, "--tokenizer"));
				case "--prompt-ids" -> promptIds = ids(Options.value(args, ++i, "--prompt-ids"));
				case "--temperature" -> temperature = Options.number(Options.value(args, ++i, "--temperature"), "--temperature");
				case "--max-tokens" -> maxTokens = (int) Options.whole(Options.value(args, ++i, "--max-tokens"), "--max-tokens", 1);
				case "--seed" -> seed = Options.whole(Options.value(args, ++i, "--seed"), "--seed", Long.MIN_VALUE);
				case "--threads" -> threads = (int) Options.whole(Options.value(args, ++i, "--threads"), "--threads", 1);
				case "--emit" -> {
					emit = Options.value(args, ++i, "--emit");
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
		try (EmbeddedModel embedded = EmbeddedModel.open(model, threads, 4096)) {
			if (tokenizerFile != null) {
				embedded.useTokenizer(Llama2cTokenizer.read(tokenizerFile, embedded.llama().config().vocab()));
			}
			if ((prompt != null || emit.equals("text")) && embedded.tokenizer().isEmpty()) {
				ctx.err().println("atelier llm generate: " + model + " has no tokenizer (llama2.c checkpoints carry none): use --prompt-ids and --emit ids,"
						+ " or --tokenizer tokenizer.bin");
				return 2;
			}
			List<Integer> ids = prompt != null ? embedded.prompt(prompt) : promptIds;
			int vocab = embedded.llama().config().vocab();
			for (int id : ids) {
				if (id < 0 || id >= vocab) {
					ctx.err().println("atelier llm generate: prompt token " + id + " is outside the vocabulary of " + vocab);
					return 2;
				}
			}
			Sampling sampling = temperature == 0 ? Sampling.greedy() : Sampling.of(temperature, seed);
			List<Integer> generated = new ArrayList<>();
			boolean text = emit.equals("text");
			TextStream stream = text ? new TextStream(embedded.tokenizer().orElseThrow()) : null;
			Usage usage = Generator.generate(embedded.llama(), ids, maxTokens, sampling, embedded.stops(), token -> {
				generated.add(token);
				if (text) {
					ctx.out().print(stream.add(token));
					ctx.out().flush();
				}
				return true;
			}, () -> false);
			ctx.out().println(text ? "" : String.join(" ", generated.stream().map(String::valueOf).toList()));
			ctx.err().printf(Locale.ROOT, "atelier llm: %d prompt tokens, %d generated, first token after %.1f ms, %.1f tokens/s%n", usage.promptTokens(),
					usage.generatedTokens(), usage.timeToFirstTokenMillis(), usage.decodeTokensPerSecond());
			return 0;
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier llm generate: " + model + ": no such file");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier llm generate: cannot read " + model + ": " + e.getMessage());
			return 1;
		} catch (ModelFormatException e) {
			ctx.err().println("atelier llm generate: " + e.getMessage());
			return 1;
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm generate: " + e.getMessage());
			return 2;
		}
	}

	private static int synth(CommandContext ctx, List<String> args) {
		String shape = null;
		String type = null;
		Path vocab = null;
		Path out = null;
		long seed = 1;
		try {
			for (int i = 0; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--shape" -> shape = Options.value(args, ++i, "--shape");
				case "--type" -> type = Options.value(args, ++i, "--type");
				case "--vocab" -> vocab = Path.of(Options.value(args, ++i, "--vocab"));
				case "--out" -> out = Path.of(Options.value(args, ++i, "--out"));
				case "--seed" -> seed = Options.whole(Options.value(args, ++i, "--seed"), "--seed", Long.MIN_VALUE);
				default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see atelier help llm)");
				}
			}
			if (shape == null || type == null || vocab == null || out == null) {
				throw new IllegalArgumentException("--shape, --type, --vocab and --out are needed");
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm synth: " + e.getMessage());
			return 2;
		}
		GgmlType ggml = switch (type.toLowerCase(Locale.ROOT)) {
		case "q8_0" -> GgmlType.Q8_0;
		case "q4_0" -> GgmlType.Q4_0;
		case "f16" -> GgmlType.F16;
		case "bf16" -> GgmlType.BF16;
		case "f32" -> GgmlType.F32;
		default -> null;
		};
		if (ggml == null) {
			ctx.err().println("atelier llm synth: --type must be q8_0, q4_0, f16, bf16 or f32, not '" + type + "'");
			return 2;
		}
		try (GgufFile vocabulary = GgufFile.open(vocab)) {
			long start = System.nanoTime();
			SyntheticModel.write(out, shape, ggml, vocabulary, seed);
			ctx.err().printf(Locale.ROOT, "atelier llm synth: wrote %s (%.2f GB) in %.1f s%n", out, Files.size(out) / 1e9, (System.nanoTime() - start) / 1e9);
			return 0;
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm synth: " + e.getMessage());
			return 2;
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier llm synth: " + e.getFile() + ": no such file");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier llm synth: " + e.getMessage());
			return 1;
		} catch (ModelFormatException e) {
			ctx.err().println("atelier llm synth: " + e.getMessage());
			return 1;
		}
	}

	/** Prefill and decode speed on random prompt ids, greedy. */
	private static int bench(CommandContext ctx, List<String> args) {
		Path model = null;
		int threads = Runtime.getRuntime().availableProcessors();
		int promptTokens = 128;
		int tokens = 64;
		try {
			for (int i = 0; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--model" -> model = Path.of(Options.value(args, ++i, "--model"));
				case "--threads" -> threads = (int) Options.whole(Options.value(args, ++i, "--threads"), "--threads", 1);
				case "--prompt-tokens" -> promptTokens = (int) Options.whole(Options.value(args, ++i, "--prompt-tokens"), "--prompt-tokens", 1);
				case "--tokens" -> tokens = (int) Options.whole(Options.value(args, ++i, "--tokens"), "--tokens", 2);
				default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see atelier help llm)");
				}
			}
			if (model == null) {
				throw new IllegalArgumentException("--model FILE is needed");
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm bench: " + e.getMessage());
			return 2;
		}
		try (EmbeddedModel embedded = EmbeddedModel.open(model, threads, promptTokens + tokens + 1)) {
			java.util.Random random = new java.util.Random(7);
			int vocab = embedded.llama().config().vocab();
			List<Integer> prompt = new ArrayList<>();
			for (int i = 0; i < promptTokens; i++) {
				prompt.add(random.nextInt(vocab));
			}
			Usage usage = Generator.generate(embedded.llama(), prompt, tokens, Sampling.greedy(), java.util.Set.of(), t -> true, () -> false);
			double prefill = promptTokens / (usage.timeToFirstTokenMillis() / 1e3);
			ctx.out().printf(Locale.ROOT, "model %s, %d threads%n", model.getFileName(), threads);
			ctx.out().printf(Locale.ROOT, "prefill pp%d: %.2f tokens/s (batches of 32 tokens)%n", promptTokens, prefill);
			ctx.out().printf(Locale.ROOT, "decode  tg%d: %.2f tokens/s%n", usage.generatedTokens(), usage.decodeTokensPerSecond());
			ctx.out().printf(Locale.ROOT, "time to first token: %.1f ms%n", usage.timeToFirstTokenMillis());
			return 0;
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier llm bench: " + model + ": no such file");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier llm bench: cannot read " + model + ": " + e.getMessage());
			return 1;
		} catch (ModelFormatException e) {
			ctx.err().println("atelier llm bench: " + e.getMessage());
			return 1;
		}
	}

	/** Stores (from standard input, never an argument that shell history keeps) or removes a server's API key. */
	private int key(CommandContext ctx, List<String> args) {
		URI url = null;
		boolean remove = false;
		try {
			for (int i = 0; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--url" -> url = URI.create(Options.value(args, ++i, "--url"));
				case "--remove" -> remove = true;
				default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "' (see atelier help llm)");
				}
			}
			if (url == null) {
				throw new IllegalArgumentException("--url URL is needed");
			}
		} catch (IllegalArgumentException e) {
			ctx.err().println("atelier llm key: " + e.getMessage());
			return 2;
		}
		try {
			ApiKeys keys = new ApiKeys(secrets);
			if (remove) {
				keys.remove(url);
				ctx.err().println("atelier llm key: removed the key of " + url);
				return 0;
			}
			String key = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
			if (key == null || key.isBlank()) {
				ctx.err().println("atelier llm key: no key on standard input");
				return 2;
			}
			keys.put(url, key.strip());
			ctx.err().println("atelier llm key: stored the key of " + url + " in the workspace's secure storage");
			return 0;
		} catch (IOException e) {
			ctx.err().println("atelier llm key: " + e.getMessage());
			return 1;
		}
	}

	private static int tokenize(CommandContext ctx, List<String> args) {
		Path model = null;
		String text = null;
		Path vocabTest = null;
		try {
			for (int i = 0; i < args.size(); i++) {
				switch (args.get(i)) {
				case "--model" -> model = Path.of(Options.value(args, ++i, "--model"));
				case "--text" -> text = Options.value(args, ++i, "--text");
				case "--ggml-vocab-test" -> vocabTest = Path.of(Options.value(args, ++i, "--ggml-vocab-test"));
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
}
