package dev.atelier.diffusion.internal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.osgi.service.component.annotations.Component;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.diffusion.ClipTokenizer;

/**
 * {@code atelier diffusion tokenize --merges FILE --prompts-file FILE}: CLIP token ids of prompts, as JSON lines;
 * {@code atelier diffusion bench --model DIR}: images/s by batch size and the pipeline's overhead over the UNet.
 */
@Component(service = Subcommand.class)
public final class DiffusionCommand implements Subcommand {

	@Override
	public String name() {
		return "diffusion";
	}

	@Override
	public String summary() {
		return "Stable Diffusion tools: CLIP tokenization of prompts, pipeline benchmark (images: atelier generate)";
	}

	@Override
	public String usage() {
		return """
				usage: atelier diffusion tokenize --merges FILE --prompts-file FILE
				       atelier diffusion bench --model DIR [--size WxH] [--steps N] [--batches 1,2,4,8] [--threads N]

				tokenize prints one JSON line per prompt (one prompt per input line): {"prompt": …, "input_ids": […]}, the
				77 ids Stable Diffusion's text encoder takes (start, tokens, end, padding with the end token). --merges takes
				a pipeline's tokenizer/merges.txt or OpenAI's bpe_simple_vocab_16e6.txt.gz.

				bench generates on the CPU provider (default 512x512, 10 steps, Euler, batches 1,2,4,8, after one warm-up)
				and prints per batch size: images/s, and the pipeline's overhead in the denoising loop = (loop time − time
				inside the UNet's session.run) / time inside session.run.""";
	}

	@Override
	public int run(CommandContext ctx) {
		List<String> args = ctx.args();
		Path merges = null;
		Path prompts = null;
		if (!args.isEmpty() && args.get(0).equals("bench")) {
			return DiffusionBench.run(ctx, args.subList(1, args.size()));
		}
		if (args.isEmpty() || !args.get(0).equals("tokenize")) {
			ctx.err().println("atelier diffusion: " + (args.isEmpty() ? "a command is needed" : "unknown command '" + args.get(0) + "'")
					+ " (see atelier help diffusion)");
			return 2;
		}
		for (int i = 1; i < args.size(); i++) {
			String option = args.get(i);
			if (i + 1 >= args.size() || !(option.equals("--merges") || option.equals("--prompts-file"))) {
				ctx.err().println("atelier diffusion tokenize: " + (option.startsWith("--merges") || option.startsWith("--prompts-file")
						? option + " needs a value" : "unknown option '" + option + "'"));
				return 2;
			}
			Path value = Path.of(args.get(++i));
			if (option.equals("--merges")) {
				merges = value;
			} else {
				prompts = value;
			}
		}
		if (merges == null || prompts == null) {
			ctx.err().println("atelier diffusion tokenize: --merges FILE and --prompts-file FILE are needed");
			return 2;
		}
		try {
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
