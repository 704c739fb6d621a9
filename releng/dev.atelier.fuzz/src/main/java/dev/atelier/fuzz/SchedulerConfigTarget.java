package dev.atelier.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.diffusion.Sampler;
import dev.atelier.diffusion.internal.scheduler.Scheduler;
import dev.atelier.diffusion.internal.scheduler.SchedulerConfig;

/**
 * A diffusers {@code scheduler_config.json}, and every sampler's schedule on it: a config that reads must make
 * schedules, or the error would come at generation time without naming the file.
 */
public final class SchedulerConfigTarget {

	private SchedulerConfigTarget() {
	}

	public static void fuzzerTestOneInput(byte[] data) throws IOException {
		Path file = Contract.write("scheduler/scheduler_config.json", data);
		Contract.refusesOnlyWith(file, List.of(IOException.class), () -> {
			SchedulerConfig config = SchedulerConfig.read(file);
			for (Sampler sampler : Sampler.values()) {
				for (int steps : new int[] { 1, 25 }) {
					Scheduler.create(sampler, config, steps);
				}
			}
		});
	}
}
