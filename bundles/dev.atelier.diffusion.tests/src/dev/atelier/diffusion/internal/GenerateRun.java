package dev.atelier.diffusion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.compute.ComputeRuntime;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Images;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.device.DeviceService;
import dev.atelier.diffusion.internal.cli.GenerateCommand;
import dev.atelier.diffusion.internal.ort.OrtExecutor;
import dev.atelier.testing.Psnr;
import dev.atelier.testing.Services;

/** One {@code atelier generate} through the CLI and a diffusion queue: its exit code, stdout and stderr. */
record GenerateRun(int code, String out, String err) {

	/**
	 * A diffusion queue on this runtime's services for the workspace {@code root}: writing under it, LoRAs in
	 * {@code root/models/loras}; close it after the test.
	 */
	static DiffusionJobs queue(Path root) throws InterruptedException {
		return new DiffusionJobs(Services.await(GenerateRun.class, JobService.class), Services.await(GenerateRun.class, DeviceService.class),
				Outputs.under(root), new OrtExecutor(), Services.await(GenerateRun.class, ComputeRuntime.class), root.resolve("models/loras"), root);
	}

	/** The one PNG the run wrote; fails with its stderr where it did not succeed. */
	Path png() {
		assertEquals(0, code, err);
		return Path.of(out.strip());
	}

	/** The largest difference of two PNGs' pixels, in levels. */
	static int largestDifference(Path a, Path b) throws IOException {
		return Psnr.largestDifference(Images.read(a, 1 << 24), Images.read(b, 1 << 24));
	}

	static GenerateRun of(DiffusionJobs diffusion, List<String> args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int code = Cli.run(List.of(new GenerateCommand(diffusion, diffusion.devices())), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), null), args);
		return new GenerateRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}
}
