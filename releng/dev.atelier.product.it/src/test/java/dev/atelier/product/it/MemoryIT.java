package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The product's memory stays bounded: the launcher caps the JVM's heap (and with it direct buffers), and ONNX Runtime
 * keeps no arena at its peak. The tiny pipeline's batch of four 512×512 images peaked at 4.9–5.0 GB resident (the
 * issue saw 5.2–5.5 GB in the IDE); the bound read back here is the process's own VmHWM.
 */
class MemoryIT {

	/** The launcher's heap cap, as it passes it to Java. */
	static final String HEAP = "-Xmx4g";
	/** The peak resident size allowed for the tiny pipeline's batch, in kB. */
	static final long GENERATE_PEAK_KB = 3_000_000;
	/** The resident size allowed for the workbench once its window is up, in kB. */
	static final long IDE_KB = 1_000_000;

	private static final Path TINY = Path.of("../../bundles/dev.atelier.diffusion.tests/fixture/tiny-sd").toAbsolutePath().normalize();

	@Test
	void theTinyPipelinesBatchOfFourPeaksWithinTheBoundAndTheJvmRunsWithTheLaunchersHeapCap() throws Exception {
		Path ws = Product.newWorkspace("memory-generate");
		Process launcher = Product.start(Map.of("ATELIER_WORKSPACE", ws.toString()), ws.resolve("err.txt"), "generate", "--model", TINY.toString(),
				"--prompt", "a cat", "--steps", "8", "--size", "512x512", "--batch", "4", "--seed", "1", "--out", ws.resolve("out").toString());
		long peak = 0;
		String command = "";
		// the launcher runs Java as its child: its VmHWM is the peak, read until it ends
		while (launcher.isAlive()) {
			Optional<ProcessHandle> java = launcher.descendants().filter(p -> p.info().command().orElse("").endsWith("/java")).findFirst();
			if (java.isPresent()) {
				peak = Math.max(peak, status(java.get().pid(), "VmHWM"));
				command = String.join(" ", java.get().info().arguments().map(List::of).orElse(List.of()));
			}
			Thread.sleep(100);
		}
		assertEquals(0, launcher.exitValue(), Files.readString(ws.resolve("err.txt")));
		assertTrue(command.contains(HEAP), "the JVM runs with the launcher's heap cap: " + command);
		assertTrue(peak > 0 && peak <= GENERATE_PEAK_KB, "peak resident " + peak + " kB, bound " + GENERATE_PEAK_KB + " kB");
	}

	@Test
	void theWorkbenchOnceItsWindowIsUpStaysWithinTheBound() throws Exception {
		assertNotNull(System.getenv("DISPLAY"), "the IDE test needs an X display: run the tests under xvfb-run");
		Path ws = Product.newWorkspace("memory-ide");
		ProcessBuilder builder = new ProcessBuilder(Product.home().resolve("atelier").toString(), "--workspace", ws.toString());
		builder.environment().remove("JAVA_HOME");
		builder.redirectErrorStream(true).redirectOutput(ws.resolve("ide-console.txt").toFile());
		// the launcher execs Java for the IDE: the process started is the JVM
		Process ide = builder.start();
		try {
			while (ide.isAlive() && !windowUp()) {
				Thread.sleep(500);
			}
			assertTrue(ide.isAlive(), "the IDE exited early:\n" + Files.readString(ws.resolve("ide-console.txt")));
			long resident = status(ide.pid(), "VmRSS");
			String command = String.join(" ", ide.info().arguments().map(List::of).orElse(List.of()));
			assertTrue(command.contains(HEAP), "the IDE's JVM runs with the launcher's heap cap: " + command);
			assertTrue(resident > 0 && resident <= IDE_KB, "resident " + resident + " kB, bound " + IDE_KB + " kB");
		} finally {
			ide.destroy();
			ide.waitFor();
		}
	}

	/** Whether a top-level window titled Atelier is mapped. */
	private static boolean windowUp() throws IOException, InterruptedException {
		Process xwininfo = new ProcessBuilder("xwininfo", "-root", "-tree").redirectErrorStream(true).start();
		String tree = new String(xwininfo.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		xwininfo.waitFor();
		return tree.contains("\"Atelier\": (\"Atelier\" \"Atelier\")");
	}

	/** A /proc/PID/status field in kB, 0 once the process is gone. */
	private static long status(long pid, String field) throws IOException {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith(field + ":")) {
					return Long.parseLong(line.replaceAll("\\D", ""));
				}
			}
		} catch (java.nio.file.NoSuchFileException e) {
			return 0;
		}
		return 0;
	}
}
