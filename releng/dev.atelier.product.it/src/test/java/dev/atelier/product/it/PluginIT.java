package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.classfile.Annotation;
import java.lang.classfile.AnnotationElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.attribute.RuntimeVisibleAnnotationsAttribute;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The examples/ plugin, built against the p2 repository, dropped into a workspace's plugins folder. */
class PluginIT {

	private static final String PLUGIN_HOST = "dev.atelier.core.internal.PluginFolderInstaller";

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
	void aFifoNamedLikeAPluginJarIsRefusedByNameAndTheRestStillWorks() throws Exception {
		Path ws = Product.newWorkspace("plugin-fifo");
		Path plugins = Files.createDirectories(ws.resolve("plugins"));
		Path fifo = Product.fifo(plugins.resolve("pipe.jar"));
		Files.copy(exampleJar(), plugins.resolve("hello.jar"));
		Product.Run run = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "info");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().contains("cannot install plugin " + fifo + ": " + fifo + ": not a regular file (a FIFO, socket or device)"), run.out());
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

	@Test
	void aPluginStaysInTheWorkspaceWhosePluginsFolderHoldsIt() throws Exception {
		Path a = Product.newWorkspace("contained-a");
		Path b = Product.newWorkspace("contained-b");
		Path plugins = Files.createDirectories(a.resolve("plugins"));
		Path exit = writeExitingPlugin(plugins.resolve("exit.jar"));
		Path hello = Files.copy(exampleJar(), plugins.resolve("hello.jar"));
		Map<String, String> inA = Map.of("ATELIER_WORKSPACE", a.toString());
		Map<String, String> inB = Map.of("ATELIER_WORKSPACE", b.toString());
		Product.Run run = Product.run(inA, "hello", "Ada");
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().startsWith("Hello, Ada"), run.out());

		Product.Run help = Product.run(inB, "--help");
		assertEquals(0, help.exitCode(), help.all());
		assertFalse(help.out().contains("  hello"), "workspace B has no plugin's subcommand\n" + help.out());
		List<String> inBundlesOfB = bundleNames(inB);
		assertTrue(inBundlesOfB.stream().noneMatch(n -> n.startsWith("dev.example.")), inBundlesOfB.toString());
		assertFalse(anyFileHolds(Product.home().resolve("configuration"), "atelier-plugin:"), "the installation's framework state holds no plugin");
		assertTrue(anyFileHolds(a.resolve(".framework"), "atelier-plugin:" + hello), "workspace A's own framework state holds its plugin");

		Files.delete(exit);
		Files.delete(hello);
		Product.Run after = Product.run(inA, "info", "--json");
		assertEquals(0, after.exitCode(), after.all());
		assertEquals(0, JsonParser.parseString(after.out()).getAsJsonObject().getAsJsonArray("plugins").size(), after.out());
		List<String> inBundlesOfA = bundleNames(inA);
		assertTrue(inBundlesOfA.stream().noneMatch(n -> n.startsWith("dev.example.")), inBundlesOfA.toString());
		assertEquals(0, Product.run(inB, "info").exitCode());
	}

	@Test
	void aPluginCallingSystemExitFailsNamingItselfAndAtelierRunsOn() throws Exception {
		Path ws = Product.newWorkspace("exit");
		Path exit = writeExitingPlugin(Files.createDirectories(ws.resolve("plugins")).resolve("exit.jar"));
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run info = Product.run(env, "info");
		assertEquals(0, info.exitCode(), info.all());
		assertTrue(info.out().contains("cannot start plugin " + exit + " (dev.example.exit): "), info.out());
		assertTrue(info.out().contains("plugin dev.example.exit (exit.jar) called System.exit(42): a plugin cannot end Atelier"), info.out());
		Product.Run doctor = Product.run(env, "doctor", "--json");
		assertEquals(0, doctor.exitCode(), doctor.all());
		JsonObject finding = finding(doctor.out(), "plugin exit.jar");
		assertFalse(finding.get("ok").getAsBoolean(), finding.toString());
	}

	@Test
	void aPluginReachingSystemExitThroughAMethodHandleFailsNamingItselfAndAtelierRunsOn() throws Exception {
		Path ws = Product.newWorkspace("exit-handle");
		Path exit = writeHandleExitingPlugin(Files.createDirectories(ws.resolve("plugins")).resolve("handle.jar"));
		Product.Run info = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "info");
		assertEquals(0, info.exitCode(), info.all());
		assertTrue(info.out().contains("cannot start plugin " + exit + " (dev.example.handle): "), info.out());
		assertTrue(info.out().contains("plugin dev.example.handle (handle.jar) called System.exit by reflection or a method handle: a plugin cannot end Atelier"),
				info.out());
	}

	@Test
	void aPluginReachingSystemExitThroughReflectionOnMethodInvokeFailsNamingItselfAndAtelierRunsOn() throws Exception {
		Path ws = Product.newWorkspace("exit-reflect");
		Path exit = writeReflectionOnReflectionPlugin(Files.createDirectories(ws.resolve("plugins")).resolve("reflect.jar"));
		Product.Run info = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "info");
		assertEquals(0, info.exitCode(), info.all());
		assertTrue(info.out().contains("cannot start plugin " + exit + " (dev.example.reflect): "), info.out());
		assertTrue(info.out().contains("plugin dev.example.reflect (reflect.jar) called Method.invoke by reflection or a method handle: its target could not be "
				+ "checked for System.exit, Runtime.exit and Runtime.halt: a plugin cannot end Atelier"), info.out());
	}

	@Test
	void aBundleAPluginInstallsWhileItRunsIsUninstalledNamingThePluginAndAtelierRunsOn() throws Exception {
		Path ws = Product.newWorkspace("installer");
		// not in the plugins folder: a bundle that would end Atelier at its start, unwoven
		Path inner = writePlugin(Files.createDirectories(ws.resolve("elsewhere")).resolve("inner.jar"), "dev.example.inner", "1.0.0", code -> code
				.loadConstant(42).invokestatic(ClassDesc.of("java.lang.System"), "exit", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int)).return_());
		ClassDesc bundle = ClassDesc.of("org.osgi.framework.Bundle");
		Path installer = writePlugin(Files.createDirectories(ws.resolve("plugins")).resolve("installer.jar"), "dev.example.installer", "1.0.0",
				code -> code.aload(1).loadConstant(inner.toUri().toString())
						.invokeinterface(ClassDesc.of("org.osgi.framework.BundleContext"), "installBundle", MethodTypeDesc.of(bundle, ConstantDescs.CD_String))
						.invokeinterface(bundle, "start", ConstantDescs.MTD_void).return_());
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run info = Product.run(env, "info");
		assertEquals(0, info.exitCode(), info.all());
		assertTrue(info.err().contains("plugin " + installer + " (dev.example.installer) installed the bundle " + inner.toUri()
				+ " while it ran: refused and uninstalled (it would not be checked); put a plugin's bundles into the plugins folder"), info.all());
		assertTrue(info.out().contains("cannot start plugin " + installer + " (dev.example.installer): "), info.out());
		assertEquals(List.of(), bundleNames(env).stream().filter(n -> n.startsWith("dev.example.inner")).toList());
		assertFalse(anyFileHolds(ws.resolve(".framework"), inner.toUri().toString()), "the workspace's framework state does not keep the refused bundle");
	}

	@Test
	void aSecondProcessOnAWorkspaceInUseInstallsItsPluginsIntoAFrameworkStateOfItsOwn() throws Exception {
		Path ws = Product.newWorkspace("two-processes");
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		ProcessBuilder builder = new ProcessBuilder(Product.home().resolve("atelier").toString(), "serve", "--port", "0", "--device", "cpu");
		builder.environment().remove("JAVA_HOME");
		builder.environment().putAll(env);
		builder.redirectError(ws.resolve("serve-err.txt").toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
		Process first = builder.start();
		Path hello;
		try {
			String listening = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8)).readLine();
			assertTrue(listening != null && listening.startsWith("atelier serve: listening"), listening + Files.readString(ws.resolve("serve-err.txt")));
			// a plugin added while the first process runs on the workspace's framework state
			hello = Files.copy(exampleJar(), Files.createDirectories(ws.resolve("plugins")).resolve("hello.jar"));
			Product.Run second = Product.run(env, "hello", "Ada");
			assertEquals(0, second.exitCode(), second.all());
			assertTrue(second.out().startsWith("Hello, Ada"), second.out());
			assertFalse(anyFileHolds(ws.resolve(".framework"), "atelier-plugin:" + hello), "the second process wrote into the state the first one holds");
		} finally {
			first.destroy();
			first.waitFor();
		}
		try (Stream<Path> left = Files.list(ws)) {
			assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".framework-")).toList(), "the second process's state is removed");
		}
		Product.Run third = Product.run(env, "hello", "Ada");
		assertEquals(0, third.exitCode(), third.all());
		assertTrue(anyFileHolds(ws.resolve(".framework"), "atelier-plugin:" + hello), "alone again, a process uses the workspace's state");
		assertEquals(List.of(), Product.errorEntries(ws));
	}

	@Test
	void aJarNamedLikeAteliersCoreBundleIsRefusedNamingTheJarAndTheReason() throws Exception {
		Path ws = Product.newWorkspace("shadow");
		Path core = writeJar(Files.createDirectories(ws.resolve("plugins")).resolve("core.jar"),
				Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "dev.atelier.core", "Bundle-Version", "99.0.0"), Map.of());
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run info = Product.run(env, "info");
		assertEquals(0, info.exitCode(), info.all());
		assertTrue(info.out().contains("cannot install plugin " + core + ": its Bundle-SymbolicName dev.atelier.core is that of Atelier's own bundle dev.atelier.core 0.1.0."),
				info.out());
		assertEquals(List.of(), bundleNames(env).stream().filter(n -> n.startsWith("dev.atelier.core 99")).toList());
	}

	@Test
	void aJarThatIsNoBundleIsReportedAsSuch() throws Exception {
		Path ws = Product.newWorkspace("nobundle");
		Path library = writeJar(Files.createDirectories(ws.resolve("plugins")).resolve("library.jar"), Map.of("Implementation-Title", "a library"), Map.of());
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run info = Product.run(env, "info");
		assertEquals(0, info.exitCode(), info.all());
		assertTrue(info.out().contains("cannot install plugin " + library + ": it is not an OSGi bundle: its manifest has no Bundle-SymbolicName"), info.out());
		assertFalse(info.out().contains("null"), info.out());
		JsonObject finding = finding(Product.run(env, "doctor", "--json").out(), "plugin library.jar");
		assertFalse(finding.get("ok").getAsBoolean(), finding.toString());
	}

	@Test
	void aPluginSubcommandNamedLikeABuiltInIsRefusedNamingTheJar() throws Exception {
		Path ws = Product.newWorkspace("hijack");
		Path jar = writeRenamedExample(Files.createDirectories(ws.resolve("plugins")).resolve("hijack.jar"), "dev.example.hijack", "info");
		Product.Run info = Product.run(Map.of("ATELIER_WORKSPACE", ws.toString()), "info");
		assertEquals(0, info.exitCode(), info.all());
		assertTrue(info.out().contains("workspace: " + ws), "Atelier's own info ran\n" + info.out());
		assertTrue(info.err().contains("atelier: plugin " + jar + " (dev.example.hijack): its subcommand 'info' is refused: Atelier's own 'info' keeps the name"),
				info.err());
	}

	@Test
	void aPluginWhoseActivatorSpinsIgnoringInterruptsIsDisabledAndTheCommandEndsCleanly() throws Exception {
		Path ws = Product.newWorkspace("spin");
		Path plugins = Files.createDirectories(ws.resolve("plugins"));
		Path spin = writeSpinningPlugin(plugins.resolve("spin.jar"));
		Files.copy(exampleJar(), plugins.resolve("hello.jar"));
		Map<String, String> env = Map.of("ATELIER_WORKSPACE", ws.toString());
		Product.Run hello = Product.run(env, "hello", "Ada");
		assertEquals(0, hello.exitCode(), hello.all());
		assertTrue(hello.out().startsWith("Hello, Ada"), hello.out());
		assertTrue(hello.err().contains("plugin " + spin + " (dev.example.spin) did not finish starting within 10 s: it is disabled until the jar changes"),
				hello.err());
		// the framework's stop did not wait on the spinning activator's lock (it logged errors and took a minute)
		assertEquals(List.of(), Product.errorEntries(ws).stream().filter(e -> !e.contains("SEVERE " + PLUGIN_HOST + ": plugin " + spin)).toList());
		JsonObject finding = finding(Product.run(env, "doctor", "--json").out(), "plugin spin.jar");
		assertFalse(finding.get("ok").getAsBoolean(), finding.toString());
		assertTrue(finding.get("detail").getAsString().contains("(dev.example.spin) is disabled"), finding.toString());
	}

	private static JsonObject finding(String doctorJson, String subject) {
		for (var f : JsonParser.parseString(doctorJson).getAsJsonObject().getAsJsonArray("findings")) {
			if (f.getAsJsonObject().get("subject").getAsString().equals(subject)) {
				return f.getAsJsonObject();
			}
		}
		throw new AssertionError("no finding for " + subject + " in " + doctorJson);
	}

	/** A bundle whose activator sleeps forever, its class written with the class-file API (no compiler needed). */
	private static Path writeSleepyPlugin(Path jar) throws IOException {
		return writePlugin(jar, "dev.example.sleepy", "1.0.0", code -> code.loadConstant(Long.MAX_VALUE)
				.invokestatic(ClassDesc.of("java.lang.Thread"), "sleep", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_long)).return_());
	}

	/** A bundle whose activator calls {@code System.exit(42)}. */
	private static Path writeExitingPlugin(Path jar) throws IOException {
		return writePlugin(jar, "dev.example.exit", "1.0.0", code -> code.loadConstant(42)
				.invokestatic(ClassDesc.of("java.lang.System"), "exit", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int)).return_());
	}

	/** A bundle whose activator looks {@code System.exit} up at run time and calls it: {@code lookup().findStatic(…).invokeExact(42)}. */
	private static Path writeHandleExitingPlugin(Path jar) throws IOException {
		ClassDesc lookup = ClassDesc.of("java.lang.invoke.MethodHandles$Lookup");
		ClassDesc handle = ClassDesc.of("java.lang.invoke.MethodHandle");
		MethodTypeDesc status = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);
		return writePlugin(jar, "dev.example.handle", "1.0.0", code -> code
				.invokestatic(ClassDesc.of("java.lang.invoke.MethodHandles"), "lookup", MethodTypeDesc.of(lookup))
				.loadConstant(ClassDesc.of("java.lang.System")).loadConstant("exit").loadConstant(status)
				.invokevirtual(lookup, "findStatic", MethodTypeDesc.of(handle, ConstantDescs.CD_Class, ConstantDescs.CD_String, ConstantDescs.CD_MethodType))
				.loadConstant(42).invokevirtual(handle, "invokeExact", status).return_());
	}

	/**
	 * A bundle whose activator calls {@code System.exit(42)} through reflection on the reflection API:
	 * {@code Method.class.getMethod("invoke", …).invoke(System.class.getMethod("exit", int.class), null, new Object[] { 42 })}.
	 */
	private static Path writeReflectionOnReflectionPlugin(Path jar) throws IOException {
		ClassDesc type = ConstantDescs.CD_Class;
		ClassDesc object = ConstantDescs.CD_Object;
		ClassDesc method = ClassDesc.of("java.lang.reflect.Method");
		MethodTypeDesc getMethod = MethodTypeDesc.of(method, ConstantDescs.CD_String, type.arrayType());
		return writePlugin(jar, "dev.example.reflect", "1.0.0", code -> code
				.loadConstant(method).loadConstant("invoke").iconst_2().anewarray(type)
				.dup().iconst_0().loadConstant(object).aastore().dup().iconst_1().loadConstant(object.arrayType()).aastore()
				.invokevirtual(type, "getMethod", getMethod)
				.loadConstant(ClassDesc.of("java.lang.System")).loadConstant("exit").iconst_1().anewarray(type)
				.dup().iconst_0().getstatic(ConstantDescs.CD_Integer, "TYPE", type).aastore()
				.invokevirtual(type, "getMethod", getMethod)
				.iconst_2().anewarray(object).dup().iconst_1().iconst_1().anewarray(object)
				.dup().iconst_0().bipush(42).invokestatic(ConstantDescs.CD_Integer, "valueOf", MethodTypeDesc.of(ConstantDescs.CD_Integer, ConstantDescs.CD_int))
				.aastore().aastore()
				.invokevirtual(method, "invoke", MethodTypeDesc.of(object, object, object.arrayType())).pop().return_());
	}

	/** A bundle whose activator spins forever and never looks at its interrupt flag. */
	static Path writeSpinningPlugin(Path jar) throws IOException {
		return writePlugin(jar, "dev.example.spin", "1.0.0", code -> {
			Label loop = code.newLabel();
			code.labelBinding(loop);
			code.goto_(loop);
		});
	}

	/** A bundle with an activator whose {@code start} runs {@code start}, written with the class-file API (no compiler needed). */
	private static Path writePlugin(Path jar, String symbolicName, String version, Consumer<CodeBuilder> start) throws IOException {
		ClassDesc context = ClassDesc.of("org.osgi.framework.BundleContext");
		MethodTypeDesc lifecycle = MethodTypeDesc.of(ConstantDescs.CD_void, context);
		byte[] activator = ClassFile.of().build(ClassDesc.of("plugin.Activator"), c -> c.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_SUPER)
				.withInterfaceSymbols(ClassDesc.of("org.osgi.framework.BundleActivator"))
				.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
						code -> code.aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_())
				.withMethodBody("start", lifecycle, ClassFile.ACC_PUBLIC, start)
				.withMethodBody("stop", lifecycle, ClassFile.ACC_PUBLIC, CodeBuilder::return_));
		return writeJar(jar, Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", symbolicName, "Bundle-Version", version,
				"Bundle-Activator", "plugin.Activator", "Import-Package", "org.osgi.framework"), Map.of("plugin/Activator.class", activator));
	}

	private static Path writeJar(Path jar, Map<String, String> headers, Map<String, byte[]> entries) throws IOException {
		Manifest manifest = new Manifest();
		Attributes main = manifest.getMainAttributes();
		main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
		headers.forEach(main::putValue);
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				out.putNextEntry(new JarEntry(entry.getKey()));
				out.write(entry.getValue());
				out.closeEntry();
			}
		}
		return jar;
	}

	/**
	 * The example plugin under another symbolic name, its {@code hello} subcommand renamed: the {@code name} of the
	 * command class's {@code @Command} rewritten with the class-file API.
	 */
	private static Path writeRenamedExample(Path jar, String symbolicName, String subcommand) throws IOException {
		try (JarFile example = new JarFile(exampleJar().toFile())) {
			Map<String, String> headers = new HashMap<>();
			example.getManifest().getMainAttributes().forEach((k, v) -> headers.put(k.toString(), v.toString()));
			headers.remove(Attributes.Name.MANIFEST_VERSION.toString());
			headers.put("Bundle-SymbolicName", symbolicName);
			Map<String, byte[]> entries = new LinkedHashMap<>();
			for (JarEntry entry : Collections.list(example.entries())) {
				if (entry.isDirectory() || entry.getName().equals(JarFile.MANIFEST_NAME)) {
					continue;
				}
				byte[] bytes = example.getInputStream(entry).readAllBytes();
				entries.put(entry.getName(), entry.getName().endsWith(".class") ? renameCommand(bytes, subcommand) : bytes);
			}
			return writeJar(jar, headers, entries);
		}
	}

	private static byte[] renameCommand(byte[] bytes, String name) {
		ClassFile classFile = ClassFile.of();
		return classFile.transformClass(classFile.parse(bytes), (builder, element) -> {
			if (element instanceof RuntimeVisibleAnnotationsAttribute annotations) {
				builder.with(RuntimeVisibleAnnotationsAttribute.of(annotations.annotations().stream()
						.map(a -> Annotation.of(a.className(), a.elements().stream()
								.map(e -> a.classSymbol().descriptorString().equals("Lpicocli/CommandLine$Command;") && e.name().equalsString("name")
										? AnnotationElement.ofString("name", name) : e)
								.toList()))
						.toList()));
			} else {
				builder.with(element);
			}
		});
	}

	/** Whether a file under the folder holds the text, e.g. a bundle location in a framework state. */
	private static boolean anyFileHolds(Path dir, String text) throws IOException {
		byte[] needle = text.getBytes(StandardCharsets.UTF_8);
		try (Stream<Path> files = Files.walk(dir)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				byte[] bytes = Files.readAllBytes(file);
				for (int i = 0; i + needle.length <= bytes.length; i++) {
					if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private static List<String> bundleNames(Map<String, String> env) throws IOException, InterruptedException {
		Product.Run run = Product.run(env, "bundles", "--json");
		assertEquals(0, run.exitCode(), run.all());
		List<String> names = new ArrayList<>();
		JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonArray("bundles")
				.forEach(b -> names.add(b.getAsJsonObject().get("symbolicName").getAsString() + " " + b.getAsJsonObject().get("version").getAsString()));
		return names;
	}
}
