package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.Infotext;

/** {@code atelier generate --seed -1}: a fresh seed per run, said on stderr and written into the PNG, on the tiny pipeline. */
class GenerateSeedTest {

	private static final Path TINY = Path.of("fixture", "tiny-sd").toAbsolutePath();

	@TempDir
	Path root;
	private DiffusionJobs diffusion;

	@BeforeEach
	void start() throws InterruptedException {
		diffusion = GenerateRun.queue(root);
	}

	@AfterEach
	void stop() {
		diffusion.close();
	}

	private GenerateRun generate(String... args) {
		List<String> command = new java.util.ArrayList<>(List.of("generate", "--model", TINY.toString(), "--prompt", "a horse", "--steps", "2",
				"--size", "64x64"));
		command.addAll(List.of(args));
		return GenerateRun.of(diffusion, command);
	}

	private static String seedIn(String file) throws IOException {
		return Infotext.parse(PngInfo.read(Path.of(file.strip())).get(Infotext.CHUNK)).settings().get("Seed");
	}

	@Test
	void seedMinusOneTwiceGivesTwoSeedsEachSaidAndRecordedInItsPng() throws IOException {
		GenerateRun first = generate("--seed", "-1");
		GenerateRun second = generate("--seed", "-1");
		assertEquals(0, first.code(), first.err());
		assertEquals(0, second.code(), second.err());
		String a = seedIn(first.out());
		String b = seedIn(second.out());
		assertNotEquals(a, b, "two runs, two seeds");
		assertTrue(Long.parseLong(a) >= 0 && Long.parseLong(b) >= 0, a + ", " + b);
		assertTrue(first.err().contains("seed " + a), "the drawn seed is said: " + first.err());
		assertTrue(first.out().strip().endsWith("-" + a + ".png"), "and names the file: " + first.out());
	}

	@Test
	void aGivenSeedIsUsedAsItIsAndABadOneIsAUsageError() throws IOException {
		GenerateRun given = generate("--seed", "7");
		assertEquals(0, given.code(), given.err());
		assertEquals("7", seedIn(given.out()));
		assertTrue(!given.err().contains("seed 7"), "a given seed is not announced: " + given.err());
		GenerateRun bad = generate("--seed", "-5");
		assertEquals(2, bad.code());
		assertEquals("atelier generate: the seed must be -1 (random) or 0 and above, not -5 (see atelier generate --help)", bad.err().strip());
	}
}
