package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TableItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.jobs.JobService;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.scheduler.Sampler;

/** The Gallery view in a plain shell over a temporary output folder, with a recording event broker. */
class GalleryPartTest {

	@TempDir
	Path dir;
	private Path outputs;
	private Display display;
	private Shell shell;
	private JobService jobs;
	private Fakes.Broker broker;
	private GalleryPart part;

	@BeforeEach
	void folder() throws Exception {
		outputs = dir.resolve("outputs/diffusion");
		display = Display.getDefault();
		jobs = Fakes.jobs();
		broker = new Fakes.Broker();
	}

	/** Opens the view on the folder as it is now. */
	private GalleryPart open() {
		shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(420, 800);
		part = new GalleryPart(new Fakes.Diffusion(jobs, outputs), jobs);
		part.broker(broker);
		part.create(shell);
		shell.open();
		return part;
	}

	@AfterEach
	void close() {
		if (part != null) {
			part.close();
		}
		if (shell != null) {
			shell.dispose();
		}
	}

	private Path png(String name, long ageSeconds, GenerationRequest parameters, int rgb) throws Exception {
		Path file = Fakes.png(outputs.resolve(name), 64, 96, rgb, parameters);
		Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - ageSeconds * 1000));
		return file;
	}

	private static List<String[]> rows(GalleryPart part) {
		List<String[]> rows = new ArrayList<>();
		for (TableItem item : part.parameters.getItems()) {
			rows.add(new String[] { item.getText(0), item.getText(1) });
		}
		return rows;
	}

	@Test
	void listsThePngsOfTheOutputFolderNewestFirstAsThumbnails() throws Exception {
		Path old = png("00000-1.png", 300, GenerationRequest.of("old", 1), 0xff0000);
		Path newest = png("00002-3.png", 10, GenerationRequest.of("newest", 3), 0x0000ff);
		Path middle = png("00001-2.png", 100, GenerationRequest.of("middle", 2), 0x00ff00);
		Files.writeString(outputs.resolve("notes.txt"), "not an image");
		open();
		assertEquals(List.of(newest, middle, old), part.grid.files());
		assertEquals("3 image(s).", part.status.getText());
		Fakes.spin(display, () -> part.grid.loaded() == 3);
		Image thumbnail = part.grid.image(newest);
		assertArrayEquals(new int[] { 64, 96 }, new int[] { thumbnail.getBounds().width, thumbnail.getBounds().height },
				"small images are not enlarged");
		assertEquals(new RGB(0, 0, 255), Fakes.pixel(thumbnail, 30, 40));
		part.grid.select(middle);
		assertEquals("middle", part.parameters.getItem(0).getText(1));
		Fakes.screenshot(shell, "gallery.png");

		List<Image> images = part.grid.images();
		assertEquals(3, images.size());
		shell.dispose();
		assertTrue(images.stream().allMatch(Image::isDisposed), "thumbnails go with the view");
	}

	@Test
	void showsTheSelectedImagesParametersAndSaysWhenThereAreNone() throws Exception {
		GenerationRequest made = new GenerationRequest("a lighthouse", "fog", Sampler.EULER, 12, 7, 5, 512, 768, 1, null, 0.75);
		Path with = png("00000-5.png", 30, made, 0x808080);
		Path without = png("00001-6.png", 20, null, 0x808080);
		Path broken = outputs.resolve("00002-7.png");
		Files.writeString(broken, "not a PNG at all");
		open();
		assertEquals(List.of(broken, without, with), part.grid.files());
		assertFalse(part.reuse.getEnabled() || part.delete.getEnabled(), "nothing selected, nothing to act on");

		part.grid.select(with);
		assertEquals("00000-5.png", part.parametersTitle.getText());
		List<String[]> rows = rows(part);
		assertArrayEquals(new String[] { "Prompt", "a lighthouse" }, rows.get(0));
		assertArrayEquals(new String[] { "Negative prompt", "fog" }, rows.get(1));
		assertArrayEquals(new String[] { "Steps", "12" }, rows.get(2));
		assertArrayEquals(new String[] { "Sampler", "Euler" }, rows.get(3));
		assertArrayEquals(new String[] { "CFG scale", "7" }, rows.get(4));
		assertArrayEquals(new String[] { "Seed", "5" }, rows.get(5));
		assertArrayEquals(new String[] { "Size", "512x768" }, rows.get(6));
		assertTrue(part.reuse.getEnabled() && part.open.getEnabled() && part.delete.getEnabled());

		part.grid.select(without);
		assertEquals("00001-6.png: " + GalleryPart.NO_PARAMETERS, part.parametersTitle.getText());
		assertEquals(0, part.parameters.getItemCount());
		assertFalse(part.reuse.getEnabled());
		assertTrue(part.delete.getEnabled(), "an image without parameters can still be deleted");

		Fakes.spin(display, () -> part.grid.loaded() == 3);
		assertNotNull(part.grid.image(without), "a PNG without parameters still shows");
		assertNull(part.grid.image(broken));
		assertTrue(part.grid.problem(broken).contains("00002-7.png"), part.grid.problem(broken));
		part.grid.select(broken);
		assertEquals(broken + ": not a PNG file", part.status.getText());
	}

	@Test
	void reuseParametersSendsTheImagesRequestWhichTheDiffusionViewTakes() throws Exception {
		GenerationRequest made = new GenerationRequest("a red fox", "blurry", Sampler.LMS, 30, 9, 99, 768, 512, 4, null, 0.75);
		Path file = png("00007-101.png", 5, made.withSeed(99 + 2), 0x808080);
		open();
		part.grid.select(file);
		GenerationRequest sent = part.reuseSelected();
		GenerationRequest expected = new GenerationRequest("a red fox", "blurry", Sampler.LMS, 30, 9, 101, 768, 512, 1, null, 0.75);
		assertEquals(expected, sent, "the image's own seed, a batch of one");
		assertEquals(1, broker.sent.size());
		assertEquals(DiffusionUi.REUSE_TOPIC, broker.sent.get(0)[0]);
		assertEquals(expected, broker.sent.get(0)[1]);

		Shell other = new Shell(display);
		other.setLayout(new FillLayout());
		DiffusionPart diffusion = new DiffusionPart(new Fakes.Diffusion(jobs, outputs), jobs);
		try {
			diffusion.create(other);
			diffusion.reuse((GenerationRequest) broker.sent.get(0)[1]);
			assertEquals(expected, diffusion.request());
			assertEquals("a red fox", diffusion.prompt.getText());
			assertEquals("LMS", diffusion.sampler.getText());
			assertEquals("768x512", diffusion.size.getText());
		} finally {
			diffusion.close();
			other.dispose();
		}
	}

	@Test
	void deleteRemovesTheFileOnlyOnceConfirmed() throws Exception {
		Path keep = png("00000-1.png", 60, GenerationRequest.of("keep", 1), 0x808080);
		Path doomed = png("00001-2.png", 30, GenerationRequest.of("doomed", 2), 0x808080);
		open();
		Fakes.spin(display, () -> part.grid.loaded() == 2);
		Image thumbnail = part.grid.image(doomed);
		part.grid.select(doomed);
		List<Path> asked = new ArrayList<>();
		part.confirmDelete = f -> {
			asked.add(f);
			return false;
		};
		assertFalse(part.deleteSelected());
		assertTrue(Files.exists(doomed), "not confirmed, not deleted");

		part.confirmDelete = f -> {
			asked.add(f);
			return true;
		};
		assertTrue(part.deleteSelected());
		assertEquals(List.of(doomed, doomed), asked);
		assertFalse(Files.exists(doomed));
		assertEquals(List.of(keep), part.grid.files());
		assertNull(part.grid.selection());
		assertEquals(0, part.parameters.getItemCount());
		assertFalse(part.delete.getEnabled());
		assertTrue(thumbnail.isDisposed(), "the deleted image's thumbnail is disposed");
		assertEquals("Deleted 00001-2.png.", part.status.getText());
	}

	@Test
	void aFinishedDiffusionJobBringsItsImagesIn() throws Exception {
		png("00000-1.png", 60, GenerationRequest.of("first", 1), 0x808080);
		open();
		assertEquals(1, part.grid.files().size());
		Path made = outputs.resolve("00001-2.png");
		jobs.submit("diffusion 64x96x1 on cpu", context -> List.of(Fakes.png(made, 64, 96, 0x00ff00, GenerationRequest.of("second", 2))));
		Fakes.spin(display, () -> part.grid.files().size() == 2);
		assertEquals(made, part.grid.files().get(0), "the new image comes first");
		assertEquals("2 image(s).", part.status.getText());
	}

	@Test
	void anEmptyOrMissingFolderSaysSo() {
		open();
		assertEquals(List.of(), part.grid.files());
		assertEquals("No images yet: generate some in the Diffusion view or render a scene.", part.status.getText());
		assertEquals(outputs.getParent().toString(), part.folderLabel.getText(), "the workspace's outputs: generated and rendered images");
	}
}
