package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The examples/ plugin, built against the p2 repository, dropped into a workspace's plugins folder. */
class PluginIT {

	static Path exampleJar() throws IOException {
		Path dir = Path.of(System.getProperty("atelier.example.dir"));
		try (Stream<Path> jars = Files.list(dir)) {
			List<Path> found = jars.filter(p -> p.getFileName().toString().matches("dev\\.example\\.hello-[\\d.]+-SNAPSHOT\\.jar"))
					.toList();
			assertEquals(1, found.size(), "one example plugin jar in " + dir + ": " + found);
			return found.get(0);
		}
	}

	@Test
	void pluginSubcommandRunsInTheProduct() throws Exception {
		Path ws = Product.newWorkspace("plugin");
		Files.copy(exampleJar(), Files.createDirectories(ws.resolve("plugins")).resolve("hello.jar"));
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "hello", "Ada");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().startsWith("Hello, Ada, from a third-party plugin in Atelier 0.1.0."), run.out());
		Product.Run help = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "--help");
		assertTrue(help.out().contains("  hello"), "the plugin's subcommand is listed\n" + help.out());
		Product.Run info = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "info", "--json");
		JsonObject plugin = JsonParser.parseString(info.out()).getAsJsonObject().getAsJsonArray("plugins").get(0).getAsJsonObject();
		assertEquals("dev.example.hello", plugin.get("symbolicName").getAsString());
		assertTrue(plugin.get("started").getAsBoolean());
		assertEquals(List.of(), Product.errorEntries(ws));
	}

	@Test
	void removedPluginIsUninstalledAndItsSubcommandIsGone() throws Exception {
		Path ws = Product.newWorkspace("removed");
		Path jar = Files.createDirectories(ws.resolve("plugins")).resolve("hello.jar");
		Files.copy(exampleJar(), jar);
		assertEquals(0, Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "hello").exitCode());
		Files.delete(jar);
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "hello");
		assertEquals(2, run.exitCode(), run.all());
		assertTrue(run.err().contains("unknown subcommand 'hello'"), run.err());
	}

	@Test
	void brokenPluginJarIsReportedByNameAndTheRestStillWorks() throws Exception {
		Path ws = Product.newWorkspace("broken");
		Path plugins = Files.createDirectories(ws.resolve("plugins"));
		Files.writeString(plugins.resolve("broken.jar"), "this is not a jar");
		Files.copy(exampleJar(), plugins.resolve("hello.jar"));
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "info");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().contains("cannot install plugin " + plugins.resolve("broken.jar")), run.out());
		assertTrue(run.out().contains("dev.example.hello"), run.out());
		assertEquals(0, Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "hello").exitCode());
	}
}
