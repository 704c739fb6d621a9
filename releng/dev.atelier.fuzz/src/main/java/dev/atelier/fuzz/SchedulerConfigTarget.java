package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.internal.scheduler.Scheduler;
import dev.atelier.diffusion.internal.scheduler.SchedulerConfig;

/**
 * A diffusers {@code scheduler_config.json}, and every sampler's schedule on it: a config that reads makes
 * schedules, or refuses a step count with an IllegalArgumentException that says why.
 */
public final class SchedulerConfigTarget {

	private SchedulerConfigTarget() {
	}

	public static void fuzzerInitialize() {
		Contract.warmUp(SchedulerConfigTarget::fuzzerTestOneInput);
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path file = Contract.write("scheduler/scheduler_config.json", data);
		Contract.refusesOnlyWith(file, List.of(IOException.class), () -> {
			SchedulerConfig config = SchedulerConfig.read(file);
			for (Sampler sampler : Sampler.values()) {
				for (int steps : new int[] { 1, 25 }) {
					try {
						Scheduler.create(sampler, config, steps);
					} catch (IllegalArgumentException e) {
						// documented: a config that cannot give these steps; DiffusionModel.scheduler adds the file
						if (e.getMessage() == null || e.getMessage().isBlank()) {
							throw new Contract.Finding("a schedule refused without a message", e);
						}
					}
				}
			}
		});
	}
}
