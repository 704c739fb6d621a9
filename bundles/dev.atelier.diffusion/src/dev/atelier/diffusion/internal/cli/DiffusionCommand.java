package dev.atelier.diffusion.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Component;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.io.AtomicFiles;
import dev.atelier.diffusion.internal.pipeline.ClipTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code atelier diffusion tokenize --merges FILE --prompts-file FILE}: CLIP token ids of prompts, as JSON lines;
 * {@code atelier diffusion bench --model DIR}: images/s by batch size and the pipeline's overhead over the UNet;
 * {@code atelier diffusion inspect FILE|DIR [--vae FILE]}: what a checkpoint is, as detected from its tensors.
 */
@Component(service = Subcommand.class)
public final class DiffusionCommand implements Subcommand {

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Diffusion(ctx);
	}

	/** The parent of the diffusion tools: what they share is the run's context. */
	@Command(name = "diffusion", header = "Stable Diffusion tools: CLIP tokenization of prompts, pipeline benchmark, checkpoint inspection (images: atelier generate)",
			subcommands = { Tokenize.class, DiffusionBench.class, Inspect.class })
	record Diffusion(CommandContext ctx) {
	}

	@Command(name = "tokenize", header = "CLIP token ids of prompts, as JSON lines", description = {
			"Prints one JSON line per prompt (one prompt per input line): {\"prompt\": …, \"input_ids\": […]}, the 77 ids Stable Diffusion's text "
					+ "encoder takes (start, tokens, end, padding with the end token)." })
	static final class Tokenize implements Callable<Integer> {

		@ParentCommand
		private Diffusion parent;

		@Option(names = "--merges", paramLabel = "FILE", required = true,
				description = "a pipeline's tokenizer/merges.txt or OpenAI's bpe_simple_vocab_16e6.txt.gz")
		private Path merges;

		@Option(names = "--prompts-file", paramLabel = "FILE", required = true, description = "the prompts, one per line")
		private Path prompts;

		@Override
		public Integer call() {
			CommandContext ctx = parent.ctx();
			try {
				AtomicFiles.requireRegular(merges); // FIFOs would block the reader forever
				AtomicFiles.requireRegular(prompts);
				ClipTokenizer tokenizer = ClipTokenizer.fromMerges(merges);
				for (String prompt : Files.readAllLines(prompts, StandardCharsets.UTF_8)) {
					StringBuilder line = new StringBuilder("{\"prompt\": ").append(json(prompt)).append(", \"input_ids\": [");
					int[] ids = tokenizer.encode(prompt);
					for (int i = 0; i < ids.length; i++) {
						line.append(i == 0 ? "" : ", ").append(ids[i]);
					}
					ctx.out().println(line.append("]}"));
				}
				return 0;
			} catch (NoSuchFileException e) {
				ctx.err().println("atelier diffusion tokenize: " + e.getFile() + ": no such file");
				return 1;
			} catch (IOException e) {
				ctx.err().println("atelier diffusion tokenize: " + e.getMessage());
				return 1;
			}
		}
	}

	@Command(name = "inspect", header = "what a Stable Diffusion checkpoint is: family, sizes, scheduler", description = {
			"Reads a single-file checkpoint (.safetensors, .ckpt: through an unpickler that executes nothing) in the original ldm layout, or a diffusers "
					+ "folder of .safetensors weights, checks that every tensor its configuration needs is there with its shape, and prints the family "
					+ "(SD 1.x, SD 2.x, SDXL; inpainting; ε- or v-prediction) and the configuration read from the tensors." })
	static final class Inspect implements Callable<Integer> {

		@ParentCommand
		private Diffusion parent;

		@Parameters(paramLabel = "FILE|DIR", description = "the checkpoint file or diffusers folder")
		private Path model;

		@Option(names = "--vae", paramLabel = "FILE", description = "a VAE file that replaces the checkpoint's")
		private Path vae;

		@Override
		public Integer call() {
			try {
				parent.ctx().out().println(CheckpointReport.of(model, vae));
				return 0;
			} catch (IOException e) {
				parent.ctx().err().println("atelier diffusion inspect: " + e.getMessage());
				return 1;
			}
		}
	}

	/** A JSON string as Python's json.dumps writes it with ensure_ascii off. */
	static String json(String text) {
		StringBuilder sb = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
			case '"' -> sb.append("\\\"");
			case '\\' -> sb.append("\\\\");
			case '\n' -> sb.append("\\n");
			case '\r' -> sb.append("\\r");
			case '\t' -> sb.append("\\t");
			case '\b' -> sb.append("\\b");
			case '\f' -> sb.append("\\f");
			default -> {
				if (c < 0x20) {
					sb.append(String.format("\\u%04x", (int) c));
				} else {
					sb.append(c);
				}
			}
			}
		}
		return sb.append('"').toString();
	}
}
