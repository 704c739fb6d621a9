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

	private static final Pattern WINDOW = Pattern.compile("\"Atelier\\s*\": \\(\"Atelier\" \"Atelier\"\\)\\s+(\\d+)x(\\d+)");

	@Test
	void atelierWithoutArgumentsShowsTheWorkbenchWindow() throws Exception {
		assertNotNull(System.getenv("DISPLAY"), "the IDE test needs an X display: run the tests under xvfb-run");
		Path ws = Product.newWorkspace("ide");
		Path plugins = Files.createDirectories(ws.resolve("plugins"));
		Files.copy(PluginIT.exampleJar(), plugins.resolve("hello.jar"));
		ProcessBuilder builder = new ProcessBuilder(Product.home().resolve("atelier").toString(), "--workspace", ws.toString());
		builder.environment().remove("JAVA_HOME");
		builder.redirectErrorStream(true).redirectOutput(ws.resolve("ide-console.txt").toFile());
		Process ide = builder.start();
		try {
			String window = null;
			long deadline = System.currentTimeMillis() + 90_000;
			while (window == null && ide.isAlive() && System.currentTimeMillis() < deadline) {
				Thread.sleep(500);
				window = bigAtelierWindow();
			}
			assertTrue(ide.isAlive(), "the IDE exited early:\n" + Files.readString(ws.resolve("ide-console.txt")));
			assertNotNull(window, "no window titled Atelier within 90 s");
			Thread.sleep(2000); // let the parts render, so that their errors would be logged
			assertEquals(List.of(), Product.errorEntries(ws));
		} finally {
			ide.destroy();
			if (!ide.waitFor(20, TimeUnit.SECONDS)) {
				ide.destroyForcibly();
			}
		}
	}

	/** The xwininfo line of a top-level window titled Atelier at least 800×600, or null. */
	private static String bigAtelierWindow() throws IOException, InterruptedException {
		Process xwininfo = new ProcessBuilder("xwininfo", "-root", "-tree").redirectErrorStream(true).start();
		String tree = new String(xwininfo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		xwininfo.waitFor();
		Matcher m = WINDOW.matcher(tree);
		while (m.find()) {
			if (Integer.parseInt(m.group(1)) >= 800 && Integer.parseInt(m.group(2)) >= 600) {
				return m.group();
			}
		}
		return null;
	}
}
