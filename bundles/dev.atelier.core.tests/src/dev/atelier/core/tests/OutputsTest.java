package dev.atelier.core.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.AtelierPaths;
import dev.atelier.core.internal.PropertiesPreferences;
import dev.atelier.core.outputs.Outputs;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;

class OutputsTest {

	@TempDir
	Path dir;

	private static RgbImage image() {
		return new RgbImage(4, 4);
	}

	@Test
	void aWorkspacesPreferenceNamesAnotherOutputsFolderFromItsNextOutputOn() throws IOException {
		AtelierPaths workspace = new AtelierPaths(dir.resolve("ws"));
		Outputs outputs = Outputs.ofWorkspace(workspace);
		assertEquals(dir.resolve("ws/outputs/diffusion"), outputs.folder(Outputs.DIFFUSION), "by default the workspace's outputs/");
		PropertiesPreferences prefs = PropertiesPreferences.at(workspace.preferencesFile());
		prefs.put(Outputs.PREFERENCE, " " + dir.resolve("elsewhere") + " ");
		prefs.save();
		Path written = outputs.writeNumbered(outputs.folder(Outputs.RENDER), "scene", image(), Map.of());
		assertEquals(dir.resolve("elsewhere/render/00000-scene.png"), written, "the same service follows the preference");
	}

	@Test
	void everyKindHasItsFolderUnderOutputs() {
		Outputs outputs = Outputs.under(dir.resolve("outputs"));
		assertEquals(dir.resolve("outputs").resolve("diffusion"), outputs.folder(Outputs.DIFFUSION));
		assertEquals(dir.resolve("outputs").resolve("render"), outputs.folder(Outputs.RENDER));
		assertThrows(IllegalArgumentException.class, () -> outputs.folder("../up"));
		assertThrows(IllegalArgumentException.class, () -> outputs.folder("Render"));
	}

	@Test
	void numberedFilesFollowTheHighestNumberAndNeverReplaceOne() throws IOException {
		Outputs outputs = Outputs.under(dir);
		Path folder = outputs.folder(Outputs.RENDER);
		assertEquals(folder.resolve("00000-Cornell-box.png"), outputs.writeNumbered(folder, "Cornell box", image(), Map.of()));
		assertEquals(folder.resolve("00001-Cornell-box.png"), outputs.writeNumbered(folder, "Cornell box", image(), Map.of()));
		Files.writeString(folder.resolve("00041-1234.png"), "someone else's");
		assertEquals(folder.resolve("00042-output.png"), outputs.writeNumbered(folder, "/../", image(), Map.of()), "the label made file-safe");
		assertEquals("someone else's", Files.readString(folder.resolve("00041-1234.png")));
		try (Stream<Path> files = Files.list(folder)) {
			assertEquals(4, files.count(), "no temporary file left");
		}
	}

	@Test
	void writersRacingForANumberEachGetTheirOwn() throws Exception {
		Outputs outputs = Outputs.under(dir);
		Path folder = outputs.folder(Outputs.DIFFUSION);
		int writers = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(writers);
		try {
			List<Future<Path>> written = new ArrayList<>();
			for (int i = 0; i < writers; i++) {
				long seed = i;
				Callable<Path> write = () -> {
					start.await();
					return outputs.writeNumbered(folder, Long.toString(seed), image(), Map.of(PngInfo.PARAMETERS, "Seed: " + seed));
				};
				written.add(pool.submit(write));
			}
			start.countDown();
			List<String> names = new ArrayList<>();
			for (Future<Path> f : written) {
				Path file = f.get();
				names.add(file.getFileName().toString().substring(0, 5));
				String seed = file.getFileName().toString().substring(6).replace(".png", "");
				assertEquals("Seed: " + seed, PngInfo.read(file).get(PngInfo.PARAMETERS), "each file holds its own image");
			}
			assertEquals(writers, names.stream().distinct().count(), "no number taken twice: " + names);
		} finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aNamedFileIsReplacedWhole() throws IOException {
		Outputs outputs = Outputs.under(dir);
		Path file = dir.resolve("sub").resolve("mine.png");
		outputs.write(file, image(), Map.of(PngInfo.PARAMETERS, "one"));
		outputs.write(file, image(), Map.of(PngInfo.PARAMETERS, "two"));
		assertEquals(Map.of(PngInfo.PARAMETERS, "two"), PngInfo.read(file));
	}

	@Test
	void pngTextChunksRoundTripLatin1AndUnicode() throws IOException {
		RgbImage image = new RgbImage(16, 8);
		image.setRgb(3, 4, 0x123456);
		Map<String, String> text = new LinkedHashMap<>();
		text.put("parameters", "café au lait\nSteps: 1");
		text.put("unicode", "猫 🐱 и кот");
		Path file = dir.resolve("a.png");
		Files.write(file, PngInfo.encode(image, text));
		assertEquals(text, PngInfo.read(file));
		BufferedImage back = ImageIO.read(file.toFile());
		assertEquals(0x123456, back.getRGB(3, 4) & 0xffffff, "the image itself is intact (read back by ImageIO)");
		byte[] bytes = Files.readAllBytes(file);
		String raw = new String(bytes, StandardCharsets.ISO_8859_1);
		assertTrue(raw.indexOf("tEXtparameters") > 0 && raw.indexOf("iTXtunicode") > 0, "tEXt for Latin-1, iTXt otherwise");
	}

	@Test
	void aFileThatIsNotAPngOrIsCutShortIsNamedInTheError() throws IOException {
		Path text = Files.writeString(dir.resolve("x.png"), "not a png at all");
		assertEquals(text + ": not a PNG file", assertThrows(IOException.class, () -> PngInfo.read(text)).getMessage());
		byte[] png = PngInfo.encode(new RgbImage(8, 8), Map.of("parameters", "x"));
		Path cut = dir.resolve("cut.png");
		Files.write(cut, Arrays.copyOf(png, 40));
		assertEquals(cut + ": the PNG is cut short", assertThrows(IOException.class, () -> PngInfo.read(cut)).getMessage());
	}
}
