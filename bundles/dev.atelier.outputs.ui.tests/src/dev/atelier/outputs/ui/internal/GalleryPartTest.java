package dev.atelier.outputs.ui.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;


import org.eclipse.e4.core.contexts.EclipseContextFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
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
import org.osgi.framework.FrameworkUtil;

import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.core.outputs.RgbImage;
import dev.atelier.outputs.ui.OutputParameters;
import dev.atelier.outputs.ui.OutputsUi;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Commands;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.ModelFragment;
import dev.atelier.testing.ui.Screenshots;

/**
 * The Gallery in a plain shell over a temporary outputs folder: its parameters come from a reader that knows files by
 * name (as a capability's reader knows its own), Reuse parameters goes through the real command and handler services
 * to a recording handler.
 */
class GalleryPartTest {

	@TempDir
	Path dir;
	private Path outputs;
	private Display display;
	private Shell shell;
	private JobService jobs;
	private IEclipseContext context;
	private Commands commands;
	private GalleryPart part;
	/** The files Reuse parameters was executed for. */
	private final List<String> reused = new ArrayList<>();

	/** Knows a file named {@code NNNNN-SEED.png} whose name says {@code with}: a prompt and the seed. */
	private static final OutputParameters READER = file -> {
		String name = file.getFileName().toString();
		if (Files.size(file) < 8 || !isPng(file)) {
			throw new IOException(file + ": not a PNG file");
		}
		if (!name.contains("with")) {
			return Optional.empty();
		}
		return Optional.of(List.of(new OutputParameters.Parameter("Prompt", name.substring(0, name.indexOf('-'))),
				new OutputParameters.Parameter("Seed", name.replaceAll("\\D", ""))));
	};

	/** Records what it reuses; enabled for every file. */
	public final class Reuse {
		@CanExecute
		public boolean canExecute(@jakarta.inject.Named(OutputsUi.REUSE_FILE) String file) {
			return file != null;
		}

		@Execute
		public String execute(@jakarta.inject.Named(OutputsUi.REUSE_FILE) String file) {
			reused.add(file);
			return "Reused " + Path.of(file).getFileName() + ".";
		}
	}

	@BeforeEach
	void folder() throws Exception {
		outputs = dir.resolve("outputs");
		display = Display.getDefault();
		jobs = Services.await(GalleryPartTest.class, JobService.class);
		context = EclipseContextFactory.getServiceContext(FrameworkUtil.getBundle(GalleryPartTest.class).getBundleContext()).createChild("gallery");
		commands = Commands.in(context).define(OutputsUi.REUSE, OutputsUi.REUSE_FILE).handle(OutputsUi.REUSE, new Reuse());
	}

	/** Opens the view on the folder as it is now, once it lists the folder. */
	private GalleryPart open() {
		shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(420, 800);
		part = new GalleryPart(jobs, outputs, new DisplaySynchronize(display));
		part.readers(List.of(READER));
		part.commands(commands.commandService(), commands.handlerService());
		part.create(shell);
		shell.open();
		await(part.refresh());
		return part;
	}

	private void await(CompletableFuture<?> shown) {
		Displays.spinUntil(display, shown::isDone);
	}

	private void select(Path file) {
		part.grid.select(file);
		await(part.show(file));
	}

	@AfterEach
	void close() {
		if (part != null) {
			part.close();
		}
		if (shell != null) {
			shell.dispose();
		}
		context.dispose();
	}

	private static boolean isPng(Path file) throws IOException {
		byte[] head = Files.readAllBytes(file);
		return head.length > 4 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
	}

	private Path png(String name, long ageSeconds, int rgb) throws Exception {
		Path file = outputs.resolve(name);
		Files.createDirectories(file.getParent());
		RgbImage image = new RgbImage(64, 96);
		for (int y = 0; y < 96; y++) {
			for (int x = 0; x < 64; x++) {
				image.setRgb(x, y, rgb);
			}
		}
		Files.write(file, PngInfo.encode(image, Map.of()));
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
	void listsTheGeneratedAndRenderedPngsNewestFirstAsThumbnails() throws Exception {
		Path old = png("diffusion/old-00000-1.png", 300, 0xff0000);
		Path newest = png("render/newest.png", 10, 0x0000ff);
		Path middle = png("diffusion/middle-with-00001-2.png", 100, 0x00ff00);
		Files.writeString(outputs.resolve("diffusion/notes.txt"), "not an image");
		open();
		assertEquals(List.of(newest, middle, old), part.grid.files());
		assertEquals("3 image(s).", part.status.getText());
		Displays.spinUntil(display, () -> part.grid.loaded() == 3);
		Image thumbnail = part.grid.image(newest);
		assertArrayEquals(new int[] { 64, 96 }, new int[] { thumbnail.getBounds().width, thumbnail.getBounds().height },
				"small images are not enlarged");
		assertEquals(new RGB(0, 0, 255), Screenshots.pixel(thumbnail, 30, 40));
		select(middle);
		assertEquals("middle", part.parameters.getItem(0).getText(1));
		Screenshots.save(shell, "gallery.png");

		List<Image> images = part.grid.images();
		assertEquals(3, images.size());
		shell.dispose();
		assertTrue(images.stream().allMatch(Image::isDisposed), "thumbnails go with the view");
	}

	@Test
	void showsTheSelectedImagesParametersAndSaysWhenThereAreNone() throws Exception {
		Path with = png("diffusion/lighthouse-with-00000-5.png", 30, 0x808080);
		Path without = png("diffusion/00001-6.png", 20, 0x808080);
		Path broken = outputs.resolve("diffusion/00002-7.png");
		Files.writeString(broken, "not a PNG at all");
		open();
		assertEquals(List.of(broken, without, with), part.grid.files());
		assertFalse(part.reuse.getEnabled() || part.delete.getEnabled(), "nothing selected, nothing to act on");

		select(with);
		assertEquals(with.getFileName().toString(), part.parametersTitle.getText());
		List<String[]> rows = rows(part);
		assertArrayEquals(new String[] { "Prompt", "lighthouse" }, rows.get(0));
		assertArrayEquals(new String[] { "Seed", "000005" }, rows.get(1));
		assertTrue(part.reuse.getEnabled() && part.open.getEnabled() && part.delete.getEnabled());

		select(without);
		assertEquals("00001-6.png: " + GalleryPart.NO_PARAMETERS, part.parametersTitle.getText());
		assertEquals(0, part.parameters.getItemCount());
		assertFalse(part.reuse.getEnabled());
		assertTrue(part.delete.getEnabled(), "an image without parameters can still be deleted");

		Displays.spinUntil(display, () -> part.grid.loaded() == 3);
		assertNotNull(part.grid.image(without), "a PNG without parameters still shows");
		assertNull(part.grid.image(broken));
		assertTrue(part.grid.problem(broken).contains("00002-7.png"), part.grid.problem(broken));
		select(broken);
		assertEquals(broken + ": not a PNG file", part.status.getText());
	}

	@Test
	void reuseParametersExecutesTheReuseCommandWithTheImagesFile() throws Exception {
		Path file = png("diffusion/fox-with-00007-101.png", 5, 0x808080);
		open();
		select(file);
		assertTrue(part.reuse.getEnabled());
		assertEquals("Reused fox-with-00007-101.png.", part.reuseSelected());
		assertEquals(List.of(file.toAbsolutePath().toString()), reused);
		assertEquals("Reused fox-with-00007-101.png.", part.status.getText(), "what the handler said shows");
	}

	@Test
	void withoutAHandlerReuseParametersIsOff() throws Exception {
		Path file = png("diffusion/fox-with-00007-101.png", 5, 0x808080);
		IEclipseContext bare = EclipseContextFactory.getServiceContext(FrameworkUtil.getBundle(GalleryPartTest.class).getBundleContext()).createChild();
		try {
			Commands none = Commands.in(bare).define(OutputsUi.REUSE, OutputsUi.REUSE_FILE);
			shell = new Shell(display);
			shell.setLayout(new FillLayout());
			part = new GalleryPart(jobs, outputs, new DisplaySynchronize(display));
			part.readers(List.of(READER));
			part.commands(none.commandService(), none.handlerService());
			part.create(shell);
			await(part.refresh());
			select(file);
			assertFalse(part.reuse.getEnabled(), "no capability installed reuses these parameters");
			assertNull(part.reuseSelected());
		} finally {
			bare.dispose();
		}
	}

	@Test
	void deleteRemovesTheFileOnlyOnceConfirmed() throws Exception {
		Path keep = png("diffusion/00000-1.png", 60, 0x808080);
		Path doomed = png("diffusion/00001-2.png", 30, 0x808080);
		open();
		Displays.spinUntil(display, () -> part.grid.loaded() == 2);
		Image thumbnail = part.grid.image(doomed);
		select(doomed);
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
		Displays.spinUntil(display, () -> part.status.getText().equals("Deleted 00001-2.png."));
		assertFalse(Files.exists(doomed));
		assertEquals(List.of(keep), part.grid.files());
		assertNull(part.grid.selection());
		assertEquals(0, part.parameters.getItemCount());
		assertFalse(part.delete.getEnabled());
		assertTrue(thumbnail.isDisposed(), "the deleted image's thumbnail is disposed");
	}

	@Test
	void aFinishedJobThatWroteHereBringsItsImagesIn() throws Exception {
		png("diffusion/00000-1.png", 60, 0x808080);
		open();
		assertEquals(1, part.grid.files().size());
		Path made = outputs.resolve("diffusion/00001-2.png");
		jobs.submit("diffusion 64x96x1 on cpu", context -> List.of(png("diffusion/00001-2.png", 0, 0x00ff00)));
		Displays.spinUntil(display, () -> part.grid.files().size() == 2);
		assertEquals(made, part.grid.files().get(0), "the new image comes first");
		assertEquals("2 image(s).", part.status.getText());
	}

	@Test
	void anEmptyOrMissingFolderSaysSo() {
		open();
		assertEquals(List.of(), part.grid.files());
		assertEquals("No images yet: generate some in the Diffusion view or render a scene.", part.status.getText());
		assertEquals(outputs.toString(), part.folderLabel.getText(), "the workspace's outputs: every kind");
	}

	@Test
	void theGalleryAndItsReuseCommandAreInTheModel() throws Exception {
		ModelFragment fragment = ModelFragment.of(GalleryPart.class);
		assertFalse(fragment.command(OutputsUi.REUSE).orElseThrow().imported(), "the Gallery defines Reuse parameters");
		assertTrue(fragment.handlers().isEmpty(), "the capability that made an output handles it");
	}
}
