package dev.atelier.diffusion.internal.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.internal.scheduler.SchedulerConfig;

/**
 * What {@code atelier diffusion inspect} prints and {@code atelier generate} says of a checkpoint it cannot run yet: the
 * detection, and the scheduler configuration a single file gets from its family.
 */
final class CheckpointReport {

	static final String NOT_BUILT = "the native Stable Diffusion engine for checkpoint files (issue 15) is not built yet: this model can be inspected "
			+ "(atelier diffusion inspect) but not run; diffusers ONNX pipeline folders run today";

	private CheckpointReport() {
	}

	/** Checkpoint files and diffusers folders of safetensors weights; ONNX pipeline folders are the ONNX Runtime pipeline's. */
	static boolean isCheckpoint(Path model) {
		return Files.isRegularFile(model) || (Files.isDirectory(model.resolve("unet")) && !Files.exists(model.resolve("unet/model.onnx")));
	}

	static String of(Path model, Path vae) throws CheckpointException {
		try (Checkpoint c = Checkpoint.open(model, vae)) {
			SchedulerConfig s = c.format().equals("diffusers folder") ? null : SchedulerConfig.release(c.family(), c.prediction());
			return c.describe() + "\n  scheduler: " + (s == null ? "the folder's scheduler/scheduler_config.json"
					: "the " + c.family().displayName() + " release configuration: " + s);
		}
	}
}
