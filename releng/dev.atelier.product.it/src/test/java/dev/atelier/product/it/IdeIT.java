package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** {@code atelier} without a subcommand opens the workbench window (under Xvfb in CI). */
class IdeIT {

	private static final Pattern WINDOW = Pattern.compile("(0x\\p{XDigit}+) \"Atelier\\s*\": \\(\"Atelier\" \"Atelier\"\\)\\s+(\\d+)x(\\d+)");

	@Test
	void atelierWithoutArgumentsShowsTheWorkbenchWindow() throws Exception {
		Path ws = Product.newWorkspace("ide");
		Path plugins = Files.createDirectories(ws.resolve("plugins"));
		Files.copy(PluginIT.exampleJar(), plugins.resolve("hello.jar"));
		Process ide = startIde(ws);
		try {
			awaitWindow(ide, ws);
			Thread.sleep(2000); // let the parts render, so that their errors would be logged
			assertEquals(List.of(), Product.errorEntries(ws));
		} finally {
			ide.destroy();
			if (!ide.waitFor(20, TimeUnit.SECONDS)) {
				ide.destroyForcibly();
			}
		}
	}

	@Test
	void quittingTheIdeDoesNotWaitOnAPluginWhoseActivatorStillSpins() throws Exception {
		Path ws = Product.newWorkspace("ide-spin");
		Path spin = PluginIT.writeSpinningPlugin(Files.createDirectories(ws.resolve("plugins")).resolve("spin.jar"));
		Process ide = startIde(ws);
		try {
			String window = awaitWindow(ide, ws);
			// File ▸ Quit as a user picks it: Xvfb has no window manager to give the window keyboard focus, the open menu
			// takes it. A busy machine may show the window before its menu answers, so the pick is repeated while the
			// window stays (xdotool's status is not checked: the window may close under it).
			for (int attempt = 0; attempt < 10 && ide.isAlive() && bigAtelierWindow() != null; attempt++) {
				new ProcessBuilder("xdotool", "key", "Escape", "mousemove", "--sync", "--window", window, "15", "12", "click", "1", "sleep", "2", "key",
						"Up", "Return").inheritIO().start().waitFor();
				ide.waitFor(30, TimeUnit.SECONDS);
			}
			// a guard against a test that never ends, not a measure: the stop this prevents logged errors as it waited
			assertTrue(ide.waitFor(5, TimeUnit.MINUTES), "the IDE did not end after Quit");
			String console = Files.readString(ws.resolve("ide-console.txt"));
			assertEquals(0, ide.exitValue(), console);
			assertTrue(Files.isRegularFile(ws.resolve(".metadata/.plugins/org.eclipse.e4.workbench/workbench.xmi")), "the workbench saved its layout");
			assertEquals(List.of(), Product.errorEntries(ws).stream().filter(e -> !e.contains("plugin " + spin + " (dev.example.spin) did not finish starting"))
					.toList(), console);
		} finally {
			ide.destroyForcibly();
		}
	}

	private static Process startIde(Path ws) throws IOException, InterruptedException {
		assertNotNull(System.getenv("DISPLAY"), "the IDE test needs an X display: run the tests under xvfb-run");
		ProcessBuilder builder = new ProcessBuilder(Product.home().resolve("atelier").toString(), "--workspace", ws.toString());
		builder.environment().remove("JAVA_HOME");
		builder.redirectErrorStream(true).redirectOutput(ws.resolve("ide-console.txt").toFile());
		return builder.start();
	}

	/** The id of the IDE's main window, once it shows. */
	private static String awaitWindow(Process ide, Path ws) throws IOException, InterruptedException {
		String window = null;
		long deadline = System.currentTimeMillis() + 90_000;
		while (window == null && ide.isAlive() && System.currentTimeMillis() < deadline) {
			Thread.sleep(500);
			window = bigAtelierWindow();
		}
		assertTrue(ide.isAlive(), "the IDE exited early:\n" + Files.readString(ws.resolve("ide-console.txt")));
		assertNotNull(window, "no window titled Atelier within 90 s");
		return window;
	}

	/** The id of a top-level window titled Atelier at least 800×600, from xwininfo, or null. */
	private static String bigAtelierWindow() throws IOException, InterruptedException {
		Process xwininfo = new ProcessBuilder("xwininfo", "-root", "-tree").redirectErrorStream(true).start();
		String tree = new String(xwininfo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		xwininfo.waitFor();
		Matcher m = WINDOW.matcher(tree);
		while (m.find()) {
			if (Integer.parseInt(m.group(2)) >= 800 && Integer.parseInt(m.group(3)) >= 600) {
				return m.group(1);
			}
		}
		return null;
	}
}
