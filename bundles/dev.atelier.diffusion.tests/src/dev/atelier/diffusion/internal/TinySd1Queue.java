package dev.atelier.diffusion.internal;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.testing.checkpoints.FormulaWeights;

/** The generate tests' ground: a diffusion queue over a temporary workspace, and the reduced SD 1.x checkpoint in it. */
abstract class TinySd1Queue {

	@TempDir
	Path root;
	DiffusionJobs diffusion;
	Path checkpoint;

	/** The checkpoint's weights as stored. */
	String dtype() {
		return "F16";
	}

	@BeforeEach
	void startTheQueue() throws Exception {
		diffusion = GenerateRun.queue(root);
		checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, dtype(), root.resolve("tiny-sd1.safetensors"));
	}

	@AfterEach
	void stopTheQueue() {
		diffusion.close();
	}
}
