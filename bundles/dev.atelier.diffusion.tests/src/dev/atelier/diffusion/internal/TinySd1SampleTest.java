package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.testing.RecordingJobContext;

/**
 * The Welcome page's tiny Stable Diffusion: a real SD 1.x checkpoint, small, the same file every time, and one the CPU
 * generates from.
 */
class TinySd1SampleTest {

	@TempDir
	Path dir;

	@Test
	void theTinySampleIsASmallSd1CheckpointThatTheReaderOpensWithEveryWeightUsed() throws Exception {
		Path file = new TinySd1Sample().write(dir.resolve("models"), new RecordingJobContext());
		assertEquals(dir.resolve("models/checkpoints/atelier-tiny-random-sd1.safetensors"), file);
		assertTrue(Files.size(file) < 10_000_000, "under 10 MB: " + Files.size(file));
		try (Checkpoint checkpoint = Checkpoint.open(file, null)) {
			assertEquals(Family.SD1, checkpoint.family(), checkpoint.describe());
			assertEquals(List.of(), checkpoint.unused(), "every tensor is a weight the engine uses");
			assertEquals(LdmLayout.weights(TinySd1Sample.SPEC).size(), checkpoint.weights().size(), checkpoint.describe());
		}
	}

	@Test
	void theCpuGeneratesAnImageOfTheSizeAskedFromTheTinySample() throws Exception {
		Path file = new TinySd1Sample().write(dir.resolve("models"), new RecordingJobContext());
		DiffusionJobs diffusion = GenerateRun.queue(dir);
		try {
			GenerateRun run = GenerateRun.of(diffusion, List.of("generate", "--model", file.toString(), "--device", "cpu", "--prompt", "a red fox",
					"--steps", "4", "--seed", "7", "--size", "96x64"));
			assertEquals(0, run.code(), run.err());
			RgbImage image = Images.read(Path.of(run.out().strip()), 1 << 24);
			assertEquals(List.of(96, 64), List.of(image.width(), image.height()));
			assertTrue(IntStream.of(image.pixels()).distinct().count() > 1, "an image, not one flat colour");
		} finally {
			diffusion.close();
		}
	}

	@Test
	void writingTheTinySampleAgainGivesTheSameBytes() throws Exception {
		Path first = new TinySd1Sample().write(dir.resolve("first"), new RecordingJobContext());
		Path second = new TinySd1Sample().write(dir.resolve("second"), new RecordingJobContext());
		assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
	}
}
