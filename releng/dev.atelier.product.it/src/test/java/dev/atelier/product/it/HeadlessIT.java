package dev.atelier.product.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/**
 * The headless product for servers and render nodes (issue 16): no workbench, no ONNX Runtime, no Jinjava, a Java
 * runtime without java.desktop, at most 60 MiB — and the CLI's paths work through it.
 */
class HeadlessIT {

	@Test
	void itHasNoWorkbenchOnnxRuntimeJinjavaOrJavaDesktopAndFitsIn60MiB() throws Exception {
		Path home = Product.headlessHome();
		try (Stream<Path> files = Files.walk(home)) {
			long bytes = files.filter(Files::isRegularFile).mapToLong(HeadlessIT::size).sum();
			System.out.println("headless product unpacked: " + bytes + " bytes");
			// issue 16: small enough to travel to a GPU host with its Java runtime
			assertTrue(bytes <= 60L << 20, "the headless product is " + bytes + " bytes unpacked, over 60 MiB");
		}
		List<String> plugins;
		try (Stream<Path> files = Files.list(home.resolve("plugins"))) {
			plugins = files.map(p -> p.getFileName().toString()).toList();
		}
		for (String left : List.of("org.eclipse.swt", "org.eclipse.e4.ui", "org.eclipse.jface", "wrapped.org.lwjgl", "wrapped.com.microsoft.onnxruntime",
				"com.hubspot.jinjava", "com.google.guava", "com.fasterxml.jackson")) {
			assertFalse(plugins.stream().anyMatch(p -> p.startsWith(left)), left + " is not in the headless product: " + plugins);
		}
		assertTrue(plugins.stream().anyMatch(p -> p.startsWith("dev.atelier.llm_")), "the LLM is: " + plugins);
		String modules = Files.readAllLines(home.resolve("jre/release")).stream().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
		assertFalse(modules.contains("java.desktop"), modules);
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	@Test
	void withoutACommandItPrintsTheUsageInsteadOfStartingAWorkbench() throws Exception {
		Product.Run run = Product.runHeadless(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("headless-usage").toString()));
		assertEquals(0, run.exitCode(), run.all());
		assertTrue(run.out().contains("render") && run.out().contains("llm") && run.out().contains("serve"), run.all());
		Product.Run serve = Product.runHeadless(Map.of("ATELIER_WORKSPACE", Product.newWorkspace("headless-serve").toString()), "serve", "--help");
		assertEquals(0, serve.exitCode(), "serve resolves without java.desktop: " + serve.all());
	}

	@Test
	void renderWritesAPngWithoutAwt() throws Exception {
		Path ws = Product.newWorkspace("headless-render");
		Path out = ws.resolve("cornell.png");
		Product.Run run = Product.runHeadless(Map.of("ATELIER_WORKSPACE", ws.toString()), "render", "--scene", "cornell", "--spp", "2", "--size", "48x32",
				"--device", "cpu", "--out", out.toString());
		assertEquals(0, run.exitCode(), run.all());
		BufferedImage image = ImageIO.read(out.toFile()); // this test's JDK reads it as any PNG reader would
		assertEquals(48, image.getWidth());
		assertEquals(32, image.getHeight());
	}

	@Test
	void anLlmWithAJinjaChatTemplateAnswersInTheKnownFormatItResembles() throws Exception {
		Product.Run chat = Product.chatWithAJinjaTemplate(true);
		assertEquals(0, chat.exitCode(), chat.all());
		assertFalse(chat.all().contains("internal error"), chat.all());
		assertTrue(chat.all().contains(", the known format the model's template resembles"), "the fallback is named: " + chat.all());
	}

	@Test
	void anOnnxPipelineFolderIsRefusedNamingWhatTheHeadlessProductLeavesOut() throws Exception {
		Path tiny = Path.of("../../bundles/dev.atelier.diffusion.tests/fixture/tiny-sd").toAbsolutePath().normalize();
		Path ws = Product.newWorkspace("headless-onnx");
		Product.Run run = Product.runHeadless(Map.of("ATELIER_WORKSPACE", ws.toString()), "generate", "--model", tiny.toString(), "--prompt", "x", "--size",
				"64x64", "--steps", "1", "--device", "cpu");
		assertEquals(1, run.exitCode(), run.all());
		assertTrue(run.err().contains("this product has no ONNX Runtime"), run.all());
	}
}
