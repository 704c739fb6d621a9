package dev.atelier.llm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.llm.ModelFormatException;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.llm.internal.engine.Generator;
import dev.atelier.llm.internal.engine.Llama;
import dev.atelier.llm.internal.llama2c.Llama2cCheckpoint;

/** The llama2.c checkpoint stories260K: greedy generation from BOS reproduces llama2.c's run.c. */
class Llama2cGenerationTest {

	private static List<Integer> greedy(Path file, int threads, int tokens) throws IOException {
		Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(file);
		Llama llama = new Llama(checkpoint.config(), checkpoint.weights(), threads);
		try {
			List<Integer> out = new ArrayList<>();
			Usage usage = Generator.generate(llama, List.of(1), tokens, Sampling.greedy(), Set.of(), out::add, () -> false);
			assertEquals(1, usage.promptTokens());
			assertEquals(tokens, usage.generatedTokens());
			return out;
		} finally {
			llama.close();
			checkpoint.close();
		}
	}

	@Test
	void greedyFromBosReproducesRunC() throws Exception {
		Path model = TestData.llm("stories260K.bin");
		List<Integer> reference = Arrays.stream(Files.readString(TestData.llm("stories260K-greedy-bos-first32.txt")).strip().split("\\s+"))
				.map(Integer::valueOf).toList();
		assertEquals(32, reference.size());
		List<Integer> ours = greedy(model, 1, 256);
		assertEquals(reference, ours.subList(0, 32));
		assertEquals(ours, greedy(model, 4, 256), "the same tokens on 4 threads");
	}

	@Test
	void checkpointShapeIsReadFromTheHeader() throws Exception {
		Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(TestData.llm("stories260K.bin"));
		try {
			var c = checkpoint.config();
			assertEquals(List.of(64, 172, 5, 8, 4, 512, 512), List.of(c.dim(), c.hiddenDim(), c.layers(), c.heads(), c.kvHeads(), c.vocab(),
					c.contextLength()));
		} finally {
			checkpoint.close();
		}
	}

	@Test
	void truncatedOrForeignFilesAreRefusedNamingTheFileAndTheField(@TempDir Path dir) throws Exception {
		byte[] real = Files.readAllBytes(TestData.llm("stories260K.bin"));
		Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(real, 100_000));
		ModelFormatException truncated = assertThrows(ModelFormatException.class, () -> Llama2cCheckpoint.open(cut));
		assertTrue(truncated.getMessage().startsWith(cut + ": the header describes 1056540 bytes of header and weights; the file has 100000"),
				truncated.getMessage());
		Path zeros = Files.write(dir.resolve("zeros.bin"), new byte[4096]);
		assertEquals(zeros + ": header field dim is 0: not a llama2.c checkpoint",
				assertThrows(ModelFormatException.class, () -> Llama2cCheckpoint.open(zeros)).getMessage());
		Path tiny = Files.write(dir.resolve("tiny.bin"), new byte[10]);
		assertEquals(tiny + ": a llama2.c checkpoint starts with a 28-byte header; the file has 10 bytes",
				assertThrows(ModelFormatException.class, () -> Llama2cCheckpoint.open(tiny)).getMessage());
	}

	@Test
	void samplingIsSeededAndTopKOfOneIsGreedy() throws Exception {
		Path model = TestData.llm("stories260K.bin");
		Llama2cCheckpoint checkpoint = Llama2cCheckpoint.open(model);
		try {
			List<List<Integer>> runs = new ArrayList<>();
			for (Sampling s : List.of(new Sampling(0.8, 0, 0.9, 0, 1, 7), new Sampling(0.8, 0, 0.9, 0, 1, 7), new Sampling(0.8, 1, 1, 0, 1, 3))) {
				Llama llama = new Llama(checkpoint.config(), checkpoint.weights(), 1);
				List<Integer> out = new ArrayList<>();
				Generator.generate(llama, List.of(1), 40, s, Set.of(), out::add, () -> false);
				runs.add(out);
			}
			assertEquals(runs.get(0), runs.get(1), "the same seed gives the same tokens");
			assertEquals(greedy(model, 1, 40), runs.get(2), "top-k 1 is greedy whatever the temperature");
		} finally {
			checkpoint.close();
		}
	}
}
