package dev.atelier.diffusion.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.diffusion.internal.cli.DiffusionCommand;

/** CLIP tokenization against Hugging Face's CLIPTokenizer on real prompts ($ATELIER_TESTDATA/clip). */
class ClipTokenizerTest {

	private static Path data(String name) {
		String root = System.getenv("ATELIER_TESTDATA");
		Assumptions.assumeTrue(root != null && !root.isBlank(), "ATELIER_TESTDATA is not set: skipping the test on " + name);
		Path file = Path.of(root, "clip", name);
		assertTrue(Files.isReadable(file), "ATELIER_TESTDATA is set but " + file + " cannot be read");
		return file;
	}

	@Test
	void everyReferencePromptGivesHuggingFacesIds() throws IOException {
		ClipTokenizer clip = ClipTokenizer.fromMerges(data("bpe_simple_vocab_16e6.txt.gz"));
		List<String> lines = Files.readAllLines(data("tokenizer-cases.jsonl"));
		assertEquals(20, lines.size());
		for (String line : lines) {
			JsonObject c = JsonParser.parseString(line).getAsJsonObject();
			int[] expected = c.getAsJsonArray("input_ids").asList().stream().mapToInt(e -> e.getAsInt()).toArray();
			assertArrayEquals(expected, clip.encode(c.get("prompt").getAsString()), c.get("prompt").getAsString());
		}
	}

	/**
	 * A long weighted prompt (with a BREAK, escapes, nesting and commas near the chunk's end) in chunks as
	 * make_engine_reference.py splits it with Hugging Face's tokenizer by AUTOMATIC1111's rule (fixture/prompt-chunks.json).
	 */
	@Test
	void aLongWeightedPromptGivesTheReferencesChunksAndWeights() throws IOException {
		ClipTokenizer clip = ClipTokenizer.fromMerges(data("bpe_simple_vocab_16e6.txt.gz"));
		JsonObject reference = JsonParser.parseString(Files.readString(Path.of("fixture", "prompt-chunks.json"))).getAsJsonObject();
		List<ClipTokenizer.Chunk> chunks = clip.chunks(reference.get("prompt").getAsString());
		var ids = reference.getAsJsonArray("input_ids");
		var weights = reference.getAsJsonArray("multipliers");
		assertEquals(ids.size(), chunks.size(), "chunks");
		for (int c = 0; c < chunks.size(); c++) {
			assertArrayEquals(ids.get(c).getAsJsonArray().asList().stream().mapToInt(e -> e.getAsInt()).toArray(), chunks.get(c).ids(), "chunk " + c + "'s ids");
			float[] want = new float[ClipTokenizer.LENGTH];
			for (int t = 0; t < want.length; t++) {
				want[t] = (float) weights.get(c).getAsJsonArray().get(t).getAsDouble();
			}
			assertArrayEquals(want, chunks.get(c).weights(), "chunk " + c + "'s weights");
		}
		assertTrue(chunks.get(1).tokens() < ClipTokenizer.CHUNK_TOKENS, "the second chunk ends at a comma: " + chunks.get(1).tokens() + " tokens");
	}

	@Test
	void anEmptyPromptIsOneChunkOfPaddingAndBreakStartsAChunk() throws IOException {
		ClipTokenizer clip = ClipTokenizer.fromMerges(data("bpe_simple_vocab_16e6.txt.gz"));
		List<ClipTokenizer.Chunk> empty = clip.chunks("");
		assertEquals(1, empty.size());
		assertArrayEquals(clip.encode(""), empty.get(0).ids());
		List<ClipTokenizer.Chunk> two = clip.chunks("a cat BREAK (a dog:1.5)");
		assertEquals(2, two.size());
		assertArrayEquals(clip.encode("a cat"), two.get(0).ids());
		assertArrayEquals(clip.encode("a dog"), two.get(1).ids());
		assertEquals(1.5f, two.get(1).weights()[1]);
		assertEquals(1f, two.get(1).weights()[3], "the end token keeps weight 1");
		assertEquals(3, clip.chunks("cat ".repeat(200)).size(), "200 tokens: 75 + 75 + 50");
	}

	@Test
	void openClipPaddingReplacesOnlyThePaddingAfterThePromptsEndToken() throws IOException {
		ClipTokenizer clip = ClipTokenizer.fromMerges(data("bpe_simple_vocab_16e6.txt.gz"));
		int[] ids = clip.encode("a<|endoftext|>cat");
		int[] bang = clip.padded(ids, "!");
		int cat = clip.tokens("cat").get(0);
		assertArrayEquals(new int[] { ClipTokenizer.START, clip.tokens("a").get(0), ClipTokenizer.END, cat, ClipTokenizer.END, 0, 0 },
				Arrays.copyOf(bang, 7), "the end token inside the prompt and the one closing it stay; \"!\" (id 0) pads");
		assertEquals(0, bang[76]);
		int[] full = clip.encode("cat ".repeat(200));
		assertArrayEquals(full, clip.padded(full, "!"), "a prompt of 75 tokens has no padding");
	}

	@Test
	void specialTokenTextAndLongPromptsAreHandled() throws IOException {
		ClipTokenizer clip = ClipTokenizer.fromMerges(data("bpe_simple_vocab_16e6.txt.gz"));
		List<Integer> plain = clip.tokens("a cat");
		assertEquals(List.of(plain.get(0), ClipTokenizer.END, plain.get(1)), clip.tokens("a<|endoftext|>cat"));
		List<Integer> upper = clip.tokens("a <|STARTOFTEXT|> cat");
		assertTrue(upper.size() > 3 && !upper.contains(ClipTokenizer.START),
				"only a special token's exact text is that token; in other cases it is text, split by the byte-level pattern: " + upper);
		assertEquals(clip.tokens("a <| startoftext |> cat"), upper, "<|, the word and |> are separate pieces");
		assertEquals(List.of(15304), clip.tokens("cafe\u0301"), "NFC first: a decomposed é is the composed one");
		assertEquals(clip.tokens("&amp;"), clip.tokens("& amp ;"), "HTML entities are text");
		int[] long_ = clip.encode("cat ".repeat(200));
		assertEquals(77, long_.length);
		assertEquals(ClipTokenizer.START, long_[0]);
		assertEquals(ClipTokenizer.END, long_[76], "truncated to 75 tokens and the end token");
		assertEquals(plain.get(1), (Integer) long_[75]);
	}

	@Test
	void theCliPrintsTheFilesFormatAndRefusesBadMerges(@TempDir Path dir) throws IOException {
		List<String> lines = Files.readAllLines(data("tokenizer-cases.jsonl"));
		List<String> prompts = new ArrayList<>();
		for (String line : lines) {
			prompts.add(JsonParser.parseString(line).getAsJsonObject().get("prompt").getAsString());
		}
		Path promptsFile = Files.write(dir.resolve("prompts.txt"), prompts);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Cli.run(List.of(new DiffusionCommand()), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), List.of("diffusion", "tokenize", "--merges",
						data("bpe_simple_vocab_16e6.txt.gz").toString(), "--prompts-file", promptsFile.toString()));
		assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
		List<String> printed = out.toString(StandardCharsets.UTF_8).lines().toList();
		for (int i = 0; i < lines.size(); i++) {
			assertEquals(lines.get(i).replaceAll(", \"fast_agrees\": \\w+}$", "}"), printed.get(i));
		}
		Path bad = Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\ni n\nthis is wrong\n");
		IOException e = assertThrows(IOException.class, () -> ClipTokenizer.fromMerges(bad));
		assertEquals(bad + " line 3: a merge is two symbols separated by one space, not 'this is wrong'", e.getMessage());
	}
}
