package dev.atelier.llm.internal.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.ProgressBar;
import dev.atelier.cli.UsageException;
import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.internal.engine.EmbeddedModel;
import dev.atelier.llm.internal.engine.Perplexity;
import dev.atelier.llm.internal.engine.Placement;
import dev.atelier.llm.internal.tokenizer.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code atelier llm perplexity}: llama.cpp's perplexity measure, and with {@code --base} the KL divergence from another file of the model. */
@Command(name = "perplexity", header = "perplexity of a GGUF model on a text, as llama.cpp's llama-perplexity measures it", description = {
		"Tokenizes the whole text (BOS first where the vocabulary adds one), cuts it into chunks of --ctx tokens, replaces each chunk's "
				+ "first token by BOS where the vocabulary adds one, and scores only the second half of each chunk (the first half is "
				+ "context). Prints the running estimate per chunk ([1]X,[2]Y,…) and as the last line 'Final estimate: PPL = X +/- Y'. "
				+ "Progress goes to stderr.",
		"With --base, also the mean KL divergence KL(base || model) of the token distributions over the scored positions and how "
				+ "often both models rank the same token first, each with its standard error — e.g. a Q4_0 file against its F16 source." })
final class PerplexityCommand implements Callable<Integer> {

	@ParentCommand
	private LlmCommand.Llm parent;

	@Option(names = "--model", paramLabel = "FILE.gguf", required = true, description = "the GGUF model measured")
	private Path model;

	@Option(names = "--file", paramLabel = "TEXT", required = true, description = "the text, UTF-8")
	private Path file;

	@Option(names = "--ctx", paramLabel = "N", description = "tokens per chunk, even and at least 8; the text needs twice as many (default ${DEFAULT-VALUE})")
	private int ctx = 512;

	@Option(names = "--chunks", paramLabel = "N", description = "chunks to score at most (default: all the text holds)")
	private Integer chunks;

	@Mixin
	private EngineOptions engine = new EngineOptions();

	@Option(names = "--base", paramLabel = "BASE.gguf", description = "a model of the same vocabulary to compare with (KL divergence, top-1 agreement)")
	private Path base;

	@Override
	public Integer call() {
		CommandContext ctx = parent.ctx();
		try {
			Perplexity.checkContext(this.ctx);
		} catch (IllegalArgumentException e) {
			throw new UsageException(e.getMessage());
		}
		if (chunks != null) {
			UsageException.atLeast(1, chunks, "--chunks");
		}
		String text;
		try {
			AtomicFiles.requireRegular(file); // a FIFO would block the reader forever
			text = Files.readString(file, StandardCharsets.UTF_8);
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier llm perplexity: " + file + ": no such file");
			return 1;
		} catch (CharacterCodingException e) {
			ctx.err().println("atelier llm perplexity: " + file + " is not UTF-8 text");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier llm perplexity: cannot read " + file + ": " + e.getMessage());
			return 1;
		}
		Path opening = model;
		try (EmbeddedModel measured = open(model);
				EmbeddedModel reference = base == null ? null : open(opening = base)) {
			opening = null;
			Tokenizer tokenizer = measured.tokenizer().orElse(null);
			if (tokenizer == null) {
				ctx.err().println("atelier llm perplexity: " + model + " has no tokenizer (a GGUF file with tokenizer.ggml.* metadata is needed)");
				return 1;
			}
			if (measured.llama().contextLength() < this.ctx) {
				ctx.err().printf(Locale.ROOT, "atelier llm perplexity: --ctx %d is longer than the context of %d tokens that %s declares%n", this.ctx,
						measured.llama().contextLength(), model);
				return 1;
			}
			if (reference != null) {
				Optional<String> different = differentVocabulary(measured, reference);
				if (different.isPresent()) {
					ctx.err().println("atelier llm perplexity: " + model + " and " + base + " do not share a vocabulary (" + different.get() + ")");
					return 1;
				}
				if (reference.llama().contextLength() < this.ctx) {
					ctx.err().printf(Locale.ROOT, "atelier llm perplexity: --ctx %d is longer than the context of %d tokens that %s declares%n", this.ctx,
							reference.llama().contextLength(), base);
					return 1;
				}
			}
			int[] tokens = measured.prompt(text).stream().mapToInt(Integer::intValue).toArray();
			if (tokens.length < Perplexity.tokensNeeded(this.ctx)) {
				ctx.err().printf(Locale.ROOT, "atelier llm perplexity: %s tokenizes to %d tokens; --ctx %d needs at least %d%n", file, tokens.length, this.ctx,
						Perplexity.tokensNeeded(this.ctx));
				return 1;
			}
			OptionalInt bos = measured.bos().map(OptionalInt::of).orElse(OptionalInt.empty());
			ctx.err().printf(Locale.ROOT, "atelier llm perplexity: %d tokens, %d chunks of %d on %s%n", tokens.length,
					chunks == null ? tokens.length / this.ctx : Math.min(chunks, tokens.length / this.ctx), this.ctx, measured.llama().placement());
			ProgressBar bar = new ProgressBar(ctx.err(), "perplexity");
			StringBuilder running = new StringBuilder();
			Perplexity.Result result;
			try {
				result = Perplexity.measure(measured.llama(), reference == null ? null : reference.llama(), tokens, bos, this.ctx,
						chunks == null ? 0 : chunks, new Perplexity.Listener() {
							@Override
							public void evaluated(long done, long total) {
							}

							@Override
							public void chunk(int chunk, int total, double ppl) {
								running.append(String.format(Locale.ROOT, "[%d]%.4f,", chunk, ppl));
								bar.update(chunk, total, "chunk");
							}
						}, Thread.currentThread()::isInterrupted);
			} finally {
				bar.done();
			}
			// the running estimates after the bar, so a terminal shows both whole
			ctx.out().println(running);
			result.comparison().ifPresent(c -> {
				ctx.out().printf(Locale.ROOT, "Base PPL = %.4f +/- %.5f (%s)%n", c.basePpl().value(), c.basePpl().error(), base.getFileName());
				ctx.out().printf(Locale.ROOT, "Mean KLD = %.6f +/- %.6f%n", c.klDivergence().value(), c.klDivergence().error());
				ctx.out().printf(Locale.ROOT, "Same top = %.3f +/- %.3f %%%n", 100 * c.topAgreement().value(), 100 * c.topAgreement().error());
			});
			ctx.out().printf(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f%n", result.ppl().value(), result.ppl().error());
			return 0;
		} catch (CancellationException e) {
			ctx.err().println("atelier llm perplexity: cancelled");
			return 130;
		} catch (NoSuchFileException e) {
			ctx.err().println("atelier llm perplexity: " + opening + ": no such file");
			return 1;
		} catch (IOException e) {
			ctx.err().println("atelier llm perplexity: cannot read " + opening + ": " + e.getMessage());
			return 1;
		} catch (ModelFormatException e) {
			ctx.err().println("atelier llm perplexity: " + e.getMessage());
			return 1;
		} catch (Placement.DoesNotFit e) {
			ctx.err().println("atelier llm perplexity: " + opening + ": " + e.getMessage());
			return 1;
		}
	}

	private EmbeddedModel open(Path path) throws IOException {
		return parent.open(path, engine, "perplexity", ctx);
	}

	/** Why two models' token ids do not mean the same, if they do not: their sizes, BOS, or the first token whose text differs. */
	private static Optional<String> differentVocabulary(EmbeddedModel a, EmbeddedModel b) {
		int size = a.llama().config().vocab();
		if (size != b.llama().config().vocab()) {
			return Optional.of(size + " and " + b.llama().config().vocab() + " tokens");
		}
		if (!a.bos().equals(b.bos())) {
			return Optional.of("BOS " + a.bos().map(String::valueOf).orElse("none") + " and " + b.bos().map(String::valueOf).orElse("none"));
		}
		Tokenizer ta = a.tokenizer().orElse(null);
		Tokenizer tb = b.tokenizer().orElse(null);
		if (ta == null || tb == null) {
			return ta == tb ? Optional.empty() : Optional.of("only one has a tokenizer");
		}
		for (int id = 0; id < size; id++) {
			List<Integer> one = List.of(id);
			if (!ta.decode(one).equals(tb.decode(one))) {
				return Optional.of("token " + id + " is '" + ta.decode(one) + "' and '" + tb.decode(one) + "'");
			}
		}
		return Optional.empty();
	}
}
