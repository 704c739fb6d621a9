package dev.atelier.diffusion.internal.cli;

import java.nio.file.Path;
import java.util.Optional;

import dev.atelier.diffusion.checkpoint.Checkpoint;
import dev.atelier.diffusion.checkpoint.CheckpointException;
import dev.atelier.diffusion.engine.DiffusionNetworks;
import dev.atelier.diffusion.internal.scheduler.SchedulerConfig;

/**
 * What {@code atelier diffusion inspect} prints and {@code atelier generate} says of a checkpoint the native engine
 * cannot run yet: the detection, and the scheduler configuration a single file gets from its family.
 */
final class CheckpointReport {

	private CheckpointReport() {
	}

	static String of(Path model, Path vae) throws CheckpointException {
		try (Checkpoint c = Checkpoint.open(model, vae)) {
			return of(c);
		}
	}

	private static String of(Checkpoint c) {
		SchedulerConfig s = c.format().equals("diffusers folder") ? null : SchedulerConfig.release(c.family(), c.prediction());
		return c.describe() + "\n  scheduler: " + (s == null ? "the folder's scheduler/scheduler_config.json"
				: "the " + c.family().displayName() + " release configuration: " + s);
	}

	/** Why the native engine cannot run the model yet; empty where it can. */
	static Optional<String> refusal(Path model) throws CheckpointException {
		try (Checkpoint c = Checkpoint.open(model, null)) {
			return DiffusionNetworks.refusal(c);
		}
	}
}
