package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.Family;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.testing.RecordingJobContext;

/** The Welcome page's tiny Stable Diffusion: a real SD 1.x checkpoint, small, and the same file every time. */
class TinySd1SampleTest {

	@TempDir
	Path dir;

	@Test
	void theTinySampleIsASmallSd1CheckpointThatTheReaderOpensWithEveryWeightUsed() throws Exception {
		Path file = new TinySd1Sample().write(dir.resolve("models"), new RecordingJobContext());
		assertEquals(dir.resolve("models/checkpoints/atelier-tiny-random-sd1.safetensors"), file);
		assertTrue(Files.size(file) < 10_000_000, "a few megabytes: " + Files.size(file));
		try (Checkpoint checkpoint = Checkpoint.open(file, null)) {
			assertEquals(Family.SD1, checkpoint.family(), checkpoint.describe());
			assertEquals(List.of(), checkpoint.unused(), "every tensor is a weight the engine uses");
			assertEquals(LdmLayout.weights(TinySd1Sample.SPEC).size(), checkpoint.weights().size(), checkpoint.describe());
		}
	}

	@Test
	void writingTheTinySampleAgainGivesTheSameBytes() throws Exception {
		Path first = new TinySd1Sample().write(dir.resolve("first"), new RecordingJobContext());
		Path second = new TinySd1Sample().write(dir.resolve("second"), new RecordingJobContext());
		assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
	}
}
