package dev.atelier.diffusion.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.diffusion.checkpoint.LdmLayout;
import dev.atelier.diffusion.checkpoint.SafetensorsWriter;

/** `atelier diffusion inspect` and `atelier generate` on checkpoint files of families the native engine does not run yet. */
class CheckpointCommandsTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(Subcommand command, String... args) {
		return Cli.run(List.of(command), CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
				null), List.of(args));
	}

	private Path sd2() throws IOException {
		return new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2), "F16").write(dir.resolve("tiny-sd2.safetensors"));
	}

	@Test
	void inspectPrintsTheFamilyTheSizesAndTheReleaseScheduler() throws IOException {
		Path file = sd2();
		assertEquals(0, run(new DiffusionCommand(), "diffusion", "inspect", file.toString()), err.toString(StandardCharsets.UTF_8));
		String text = out.toString(StandardCharsets.UTF_8);
		assertTrue(text.startsWith(file + ": SD 2.x, ε-prediction (safetensors)\n  UNet: 4 → 4 channels, 64 × [1, 2]"), text);
		assertTrue(text.contains("text_encoder: OpenCLIP, width 128, 2 layers, 2 heads"), text);
		assertTrue(text.contains("scheduler: the SD 2.x release configuration: SchedulerConfig[numTrainTimesteps=1000, betaStart=8.5E-4, betaEnd=0.012, "
				+ "betaSchedule=scaled_linear, predictionType=epsilon, timestepSpacing=null, stepsOffset=1, setAlphaToOne=false]"), text);
	}

	@Test
	void inspectRefusesABrokenFileNamingIt() throws IOException {
		Path file = Files.write(dir.resolve("empty.safetensors"), new byte[3]);
		assertEquals(1, run(new DiffusionCommand(), "diffusion", "inspect", file.toString()));
		assertEquals("atelier diffusion inspect: " + file + ": not a safetensors file: 3 bytes, shorter than the 8-byte header length\n",
				err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void generateWithAUnetOfUnknownInputsSaysWhatItIsAndThatTheEngineDoesNotRunIt() throws IOException {
		Path file = new SafetensorsWriter().weights(LdmLayout.weights(LdmLayout.TINY_SD2.withInChannels(5)), "F16").write(dir.resolve("tiny-odd.safetensors"));
		assertEquals(1, run(new GenerateCommand(null, null), "generate", "--model", file.toString(), "--prompt", "a cat"));
		String text = err.toString(StandardCharsets.UTF_8);
		assertTrue(text.startsWith(file + ": SD 2.x"), text);
		assertTrue(text.endsWith("atelier generate: " + file + ": the UNet takes 5 channels; the native engine runs UNets of the latent's 4 or "
				+ "inpainting's 9 (latent, mask, masked image's latent)\n"), text);
		assertEquals("", out.toString(StandardCharsets.UTF_8));
	}
}
