package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
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

	@Test
	void aPluginWhoseActivatorNeverReturnsIsDisabledAndNamedAndTheRestRuns() throws Exception {
		Path ws = Product.newWorkspace("sleepy");
		Path plugins = Files.createDirectories(ws.resolve("plugins"));
		Path sleepy = writeSleepyPlugin(plugins.resolve("sleepy.jar"));
		Files.copy(exampleJar(), plugins.resolve("hello.jar"));
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run first = Product.run(env, "info");
		assertEquals(0, first.exitCode(), first.all());
		assertTrue(first.out().contains("plugin " + sleepy + " (dev.example.sleepy) did not finish starting within 10 s: it is disabled until the jar changes"),
				first.out());
		Product.Run hello = Product.run(env, "hello", "Ada");
		assertEquals(0, hello.exitCode(), "the other plugin still runs: " + hello.all());
		Product.Run later = Product.run(env, "info");
		assertTrue(later.out().contains("plugin " + sleepy + " (dev.example.sleepy) is disabled: its activator did not finish within 10 s"), later.out());
	}

	/** A bundle whose activator sleeps forever, its class written with the class-file API (no compiler needed). */
	private static Path writeSleepyPlugin(Path jar) throws IOException {
		ClassDesc context = ClassDesc.of("org.osgi.framework.BundleContext");
		MethodTypeDesc lifecycle = MethodTypeDesc.of(ConstantDescs.CD_void, context);
		byte[] activator = ClassFile.of().build(ClassDesc.of("sleepy.Activator"), c -> c.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_SUPER)
				.withInterfaceSymbols(ClassDesc.of("org.osgi.framework.BundleActivator"))
				.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
						code -> code.aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_())
				.withMethodBody("start", lifecycle, ClassFile.ACC_PUBLIC, code -> code.loadConstant(Long.MAX_VALUE)
						.invokestatic(ClassDesc.of("java.lang.Thread"), "sleep", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_long)).return_())
				.withMethodBody("stop", lifecycle, ClassFile.ACC_PUBLIC, CodeBuilder::return_));
		Manifest manifest = new Manifest();
		Attributes main = manifest.getMainAttributes();
		main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		main.putValue("Bundle-ManifestVersion", "2");
		main.putValue("Bundle-SymbolicName", "dev.example.sleepy");
		main.putValue("Bundle-Version", "1.0.0");
		main.putValue("Bundle-Activator", "sleepy.Activator");
		main.putValue("Import-Package", "org.osgi.framework");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
			out.putNextEntry(new JarEntry("sleepy/Activator.class"));
			out.write(activator);
			out.closeEntry();
		}
		return jar;
	}
}
