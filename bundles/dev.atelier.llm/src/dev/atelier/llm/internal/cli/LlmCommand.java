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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.atelier.cli.CommandContext;
import dev.atelier.core.io.AtomicFiles;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.secrets.SecretStore;
import dev.atelier.cli.UsageException;
import dev.atelier.llm.ApiKeys;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.gguf.GgmlType;
import dev.atelier.llm.internal.gguf.GgufFile;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.device.DeviceService;
import dev.atelier.llm.internal.engine.DecodeBatch;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.engine.Generator;
import dev.atelier.llm.internal.engine.Placement;
import dev.atelier.llm.internal.engine.SyntheticModel;
import dev.atelier.llm.internal.tokenizer.Llama2cTokenizer;
import dev.atelier.llm.internal.tokenizer.TextStream;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import dev.atelier.llm.internal.tokenizer.Tokenizers;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/** {@code atelier llm generate|tokenize|bench|perplexity|synth|key …}: the embedded engine from the command line. */
@Component(service = Subcommand.class)
public final class LlmCommand implements Subcommand {

	@Reference
	private SecretStore secrets;

	@Reference
	private DeviceService devices;

	@Reference
	private ComputeRuntime runtime;

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Llm(ctx, new ApiKeys(secrets), devices, runtime);
	}

	/** The parent of the engine's tools: what they share is the run's context, the servers' keys and the devices. */
	@Command(name = "llm", header = "the embedded LLM engine: generate tokens, tokenize with a GGUF vocabulary, benchmark, measure perplexity", description = {
			"GGUF models: Llama architecture, tensors in F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K or Q6_K. A llama2.c .bin checkpoint has no tokenizer: use "
					+ "--prompt-ids and --emit ids with it, or give llama2.c's tokenizer.bin of its vocabulary with --tokenizer." },
			subcommands = { Generate.class, Tokenize.class, Bench.class, PerplexityCommand.class, Synth.class, Key.class })
	record Llm(CommandContext ctx, ApiKeys keys, DeviceService devices, ComputeRuntime runtime) {

		/** The model where {@code engine} places it, the choice told on standard error. */
		EmbeddedModel open(Path model, EngineOptions engine, String command, int context) throws IOException {
			return open(model, engine, command, context, 1);
		}

		/** With a key/value cache slot for each of {@code sequences} answers decoded together. */
		EmbeddedModel open(Path model, EngineOptions engine, String command, int context, int sequences) throws IOException {
			return EmbeddedModel.open(model, engine.placement(devices, runtime, note -> ctx.err().println("atelier llm " + command + ": " + note)), context,
					sequences);
		}
	}

	/** What {@code --emit} prints on standard output. */
	enum Emit {
		text, ids
	}

	@Command(name = "generate", header = "generate tokens with the embedded engine")
	static final class Generate implements Callable<Integer> {

		@ParentCommand
		private Llm parent;

		@Option(names = "--model", paramLabel = "FILE", required = true, description = "a GGUF model or a llama2.c .bin checkpoint")
		private Path model;

		@Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt, tokenized with the model's vocabulary")
		private String prompt;

		@Option(names = "--prompt-ids", paramLabel = "\"1 2 …\"", split = "[\\s,]+", description = "token ids used exactly as given (no BOS is added)")
		private List<Integer> promptIds;

		@Option(names = "--emit", paramLabel = "text|ids", description = "text (default), or ids: standard output holds only the generated ids, "
				+ "separated by spaces")
		private Emit emit = Emit.text;

		@Option(names = "--tokenizer", paramLabel = "tokenizer.bin", description = "llama2.c's tokenizer of a .bin checkpoint's vocabulary")
		private Path tokenizerFile;

		@Mixin
		private GenerationOptions generation = new GenerationOptions(0, 256);

		@Mixin
		private EngineOptions engine = new EngineOptions();

		@Override
		public Integer call() {
			CommandContext ctx = parent.ctx();
			if ((prompt == null) == (promptIds == null)) {
				throw new UsageException("give either --prompt TEXT or --prompt-ids \"1 2 …\"");
			}
			Sampling sampling = generation.sampling();
			int maxTokens = generation.maxTokens();
			try (EmbeddedModel embedded = parent.open(model, engine, "generate", 4096)) {
				if (tokenizerFile != null) {
					embedded.useTokenizer(Llama2cTokenizer.read(tokenizerFile, embedded.llama().config().vocab()));
				}
				boolean text = emit == Emit.text;
				if ((prompt != null || text) && embedded.tokenizer().isEmpty()) {
					throw new UsageException(model + " has no tokenizer (llama2.c checkpoints carry none): use --prompt-ids and --emit ids,"
							+ " or --tokenizer tokenizer.bin");
				}
				List<Integer> ids = prompt != null ? embedded.prompt(prompt) : promptIds;
				int vocab = embedded.llama().config().vocab();
				for (int id : ids) {
					if (id < 0 || id >= vocab) {
						throw new UsageException("prompt token " + id + " is outside the vocabulary of " + vocab);
					}
				}
				List<Integer> generated = new ArrayList<>();
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
				ctx.err().printf(Locale.ROOT, "atelier llm: %d prompt tokens, %d generated, first token after %.1f ms, %.1f tokens/s on %s%n",
						usage.promptTokens(), usage.generatedTokens(), usage.timeToFirstTokenMillis(), usage.decodeTokensPerSecond(),
						embedded.llama().placement());
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
			} catch (Placement.DoesNotFit e) {
				ctx.err().println("atelier llm generate: " + model + ": " + e.getMessage());
				return 1;
			} catch (IllegalArgumentException e) {
				throw new UsageException(e.getMessage());
			}
		}
	}

	@Command(name = "tokenize", header = "token ids of a text with a GGUF model's vocabulary", description = {
			"Prints the ids of the text (no BOS, special tokens not parsed); with --ggml-vocab-test, one line per input of llama.cpp's test "
					+ "file, in the .out format." })
	static final class Tokenize implements Callable<Integer> {

		@ParentCommand
		private Llm parent;

		@Option(names = "--model", paramLabel = "FILE.gguf", required = true, description = "the vocabulary's model")
		private Path model;

		@Option(names = "--text", paramLabel = "TEXT", description = "the text")
		private String text;

		@Option(names = "--ggml-vocab-test", paramLabel = "FILE.inp", description = "llama.cpp's tokenizer test inputs")
		private Path vocabTest;

		@Override
		public Integer call() {
			CommandContext ctx = parent.ctx();
			if ((text == null) == (vocabTest == null)) {
				throw new UsageException("give either --text TEXT or --ggml-vocab-test FILE.inp");
			}
			try (GgufFile gguf = GgufFile.open(model)) {
				Tokenizer tokenizer = Tokenizers.of(gguf);
				if (vocabTest != null) {
					AtomicFiles.requireRegular(vocabTest); // a FIFO would block the reader forever
				}
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
	}

	@Command(name = "bench", header = "prefill and decode tokens/s and the time to the first token (random prompt ids, greedy)")
	static final class Bench implements Callable<Integer> {

		@ParentCommand
		private Llm parent;

		@Option(names = "--model", paramLabel = "FILE", required = true, description = "a GGUF model or a llama2.c .bin checkpoint")
		private Path model;

		@Mixin
		private EngineOptions engine = new EngineOptions();

		@Option(names = "--prompt-tokens", paramLabel = "N", description = "the prompt's length (default ${DEFAULT-VALUE})")
		private int promptTokens = 128;

		@Option(names = "--tokens", paramLabel = "N", description = "tokens to generate, 2 at least (default ${DEFAULT-VALUE})")
		private int tokens = 64;

		@Option(names = "--parallel", paramLabel = "N", description = "then one answer alone and N answers at once, decoded together (continuous"
				+ " batching), each a prompt of its own: their aggregate tokens/s beside the one's (default ${DEFAULT-VALUE}: no such run)")
		private int parallel = 1;

		@Override
		public Integer call() {
			CommandContext ctx = parent.ctx();
			UsageException.atLeast(1, promptTokens, "--prompt-tokens");
			UsageException.atLeast(2, tokens, "--tokens");
			UsageException.atLeast(1, parallel, "--parallel");
			if (parallel > 32) {
				throw new UsageException("--parallel must be at most 32, not " + parallel);
			}
			try (EmbeddedModel embedded = parent.open(model, engine, "bench", promptTokens + tokens + 1, parallel)) {
				int context = embedded.llama().contextLength();
				if ((long) promptTokens + tokens > context) {
					throw new UsageException("--prompt-tokens " + promptTokens + " and --tokens " + tokens + " need a context of " + ((long) promptTokens + tokens)
							+ " tokens; " + model.getFileName() + "'s holds " + context);
				}
				Random random = new Random(7);
				int vocab = embedded.llama().config().vocab();
				List<List<Integer>> prompts = new ArrayList<>();
				for (int p = 0; p < parallel; p++) {
					prompts.add(random.ints(promptTokens, 0, vocab).boxed().toList());
				}
				List<Integer> prompt = prompts.getFirst();
				// An unmeasured run first warms the JIT, the loaded kernels and cuBLAS, as llama-bench's warm-up run does.
				Generator.generate(embedded.llama(), prompt, 2, Sampling.greedy(), Set.of(), t -> true, () -> false);
				Usage usage = Generator.generate(embedded.llama(), prompt, tokens, Sampling.greedy(), Set.of(), t -> true, () -> false);
				double prefill = promptTokens / (usage.timeToFirstTokenMillis() / 1e3);
				ctx.out().printf(Locale.ROOT, "model %s on %s%n", model.getFileName(), embedded.llama().placement());
				ctx.out().printf(Locale.ROOT, "prefill pp%d: %.2f tokens/s (batches of %d tokens)%n", promptTokens, prefill,
						embedded.llama().batchTokens());
				ctx.out().printf(Locale.ROOT, "decode  tg%d: %.2f tokens/s%n", usage.generatedTokens(), usage.decodeTokensPerSecond());
				ctx.out().printf(Locale.ROOT, "time to first token: %.1f ms%n", usage.timeToFirstTokenMillis());
				if (parallel > 1) {
					batched(ctx, embedded.batch(), prompts);
				}
				ctx.out().printf(Locale.ROOT, "memory: %s%n", embedded.llama().memory());
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
			} catch (Placement.DoesNotFit e) {
				ctx.err().println("atelier llm bench: " + model + ": " + e.getMessage());
				return 1;
			}
		}

		/**
		 * One answer alone, then {@code prompts.size()} at once, all through the model's decode batch (as served chats
		 * run), timed from their submission to the last token: tokens/s as clients see them, prefill included.
		 */
		private void batched(CommandContext ctx, DecodeBatch batch, List<List<Integer>> prompts) {
			// an unmeasured round first: the steps of each batch size are captured once
			together(batch, prompts, 4);
			double one = together(batch, prompts.subList(0, 1), tokens);
			long[] before = batch.steps();
			double all = together(batch, prompts, tokens);
			long[] after = batch.steps();
			double meanBatch = (double) (after[1] - before[1]) / Math.max(1, after[0] - before[0]);
			ctx.out().printf(Locale.ROOT, "batched tg%d, 1 answer:  %.2f tokens/s%n", tokens, one);
			ctx.out().printf(Locale.ROOT, "batched tg%d, %d answers: %.2f tokens/s aggregate (%.2f× one answer's), %.2f tokens/s each, mean batch %.1f%n",
					tokens, prompts.size(), all, all / one, all / prompts.size(), meanBatch);
		}

		/** Generated tokens per second of all of {@code prompts}' answers at once. */
		private static double together(DecodeBatch batch, List<List<Integer>> prompts, int tokens) {
			List<Thread> clients = new ArrayList<>();
			java.util.concurrent.atomic.AtomicLong generated = new java.util.concurrent.atomic.AtomicLong();
			java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
			long start = System.nanoTime();
			for (List<Integer> p : prompts) {
				clients.add(Thread.ofPlatform().start(() -> {
					try {
						generated.addAndGet(batch.generate(p, tokens, Sampling.greedy(), Set.of(), t -> true, () -> false).generatedTokens());
					} catch (RuntimeException e) {
						failure.set(e);
					}
				}));
			}
			for (Thread t : clients) {
				try {
					t.join();
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted while the answers ran", e);
				}
			}
			if (failure.get() != null) {
				throw failure.get();
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			return generated.get() / seconds;
		}
	}

	/** {@code --type}: the weights' format of a synthetic model. */
	static final class WeightType implements ITypeConverter<GgmlType> {
		@Override
		public GgmlType convert(String type) {
			return switch (type.toLowerCase(Locale.ROOT)) {
			case "q8_0" -> GgmlType.Q8_0;
			case "q4_0" -> GgmlType.Q4_0;
			case "f16" -> GgmlType.F16;
			case "bf16" -> GgmlType.BF16;
			case "f32" -> GgmlType.F32;
			case "q4_k" -> GgmlType.Q4_K;
			case "q5_k" -> GgmlType.Q5_K;
			case "q6_k" -> GgmlType.Q6_K;
			default -> throw new TypeConversionException("'" + type + "' is not q8_0, q4_0, q4_k, q5_k, q6_k, f16, bf16 or f32");
			};
		}
	}

	@Command(name = "synth", header = "write a random-weight Llama GGUF of a real shape, for benchmarks", description = {
			"The shapes are Llama 3.2 1B/3B and Llama 2 7B; the tokenizer is the vocabulary file's." })
	static final class Synth implements Callable<Integer> {

		@ParentCommand
		private Llm parent;

		@Option(names = "--shape", paramLabel = "1b|3b|7b", required = true, description = "the model's shape")
		private String shape;

		@Option(names = "--type", paramLabel = "q8_0|q4_0|q4_k|q5_k|q6_k|f16|bf16|f32", required = true, converter = WeightType.class, description = "the weights' format")
		private GgmlType type;

		@Option(names = "--vocab", paramLabel = "FILE.gguf", required = true, description = "a GGUF file whose tokenizer the model gets")
		private Path vocab;

		@Option(names = "--out", paramLabel = "FILE.gguf", required = true, description = "where to write")
		private Path out;

		@Option(names = "--seed", paramLabel = "N", description = "the weights' seed (default ${DEFAULT-VALUE})")
		private long seed = 1;

		@Override
		public Integer call() {
			CommandContext ctx = parent.ctx();
			UsageException.writableFile(out, "--out");
			try (GgufFile vocabulary = GgufFile.open(vocab)) {
				long start = System.nanoTime();
				// beside the target, then renamed over it: an existing model stays whole until the new one is
				AtomicFiles.writeFile(out, temp -> SyntheticModel.write(temp, shape, type, vocabulary, seed));
				ctx.err().printf(Locale.ROOT, "atelier llm synth: wrote %s (%.2f GB) in %.1f s%n", out, Files.size(out) / 1e9, (System.nanoTime() - start) / 1e9);
				return 0;
			} catch (IllegalArgumentException e) { // an unknown shape
				throw new UsageException(e.getMessage());
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
	}

	/** Stores (from standard input, never an argument that shell history keeps) or removes a server's API key. */
	@Command(name = "key", header = "store or remove a server's API key in the workspace's secure storage", description = {
			"The key is read from standard input (never an argument, which shell history would keep)." })
	static final class Key implements Callable<Integer> {

		@ParentCommand
		private Llm parent;

		@Option(names = "--url", paramLabel = "URL", required = true, description = "the server's OpenAI base URL, e.g. http://localhost:11434/v1")
		private URI url;

		@Option(names = "--remove", description = "remove the stored key")
		private boolean remove;

		@Override
		public Integer call() {
			CommandContext ctx = parent.ctx();
			try {
				ApiKeys keys = parent.keys();
				if (remove) {
					ctx.err().println(keys.remove(url) ? "atelier llm key: removed the key of " + url
							: "atelier llm key: no key of " + url + " was stored; nothing removed");
					return 0;
				}
				String key;
				try {
					key = SecretStore.readKey(System.in);
				} catch (IllegalArgumentException e) {
					throw new UsageException(e.getMessage());
				}
				keys.put(url, key);
				ctx.err().println("atelier llm key: stored the key of " + url + " in the workspace's secure storage");
				return 0;
			} catch (IOException e) {
				ctx.err().println("atelier llm key: " + e.getMessage());
				return 1;
			}
		}
	}
}
