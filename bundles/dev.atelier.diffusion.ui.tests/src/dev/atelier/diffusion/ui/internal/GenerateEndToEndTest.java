package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

import dev.atelier.core.jobs.JobService;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.scheduler.Sampler;

/**
 * Both views over the real diffusion service, on the CPU, with the tiny random-weight pipeline that
 * dev.atelier.diffusion.tests keeps as its fixture: the Diffusion view's job runs the pipeline, its previews and
 * images show, and the Gallery picks the images up when the job finishes.
 */
class GenerateEndToEndTest {

	/** Tests run in the test bundle's folder; the fixture is the diffusion tests' one, beside it. */
	private static final Path TINY = Path.of("..", "dev.atelier.diffusion.tests", "fixture", "tiny-sd").toAbsolutePath().normalize();

	private static DiffusionService diffusion() throws InterruptedException {
		var context = FrameworkUtil.getBundle(GenerateEndToEndTest.class).getBundleContext();
		ServiceTracker<DiffusionService, DiffusionService> tracker = new ServiceTracker<>(context, DiffusionService.class, null);
		tracker.open();
		try {
			DiffusionService service = tracker.waitForService(10_000);
			assertNotNull(service, "no diffusion service");
			return service;
		} finally {
			tracker.close();
		}
	}

	private static void spin(Display display, long millis, BooleanSupplier until) throws InterruptedException {
		long deadline = System.currentTimeMillis() + millis;
		while (!until.getAsBoolean() && System.currentTimeMillis() < deadline) {
			if (!display.readAndDispatch()) {
				Thread.sleep(5);
			}
		}
		assertTrue(until.getAsBoolean(), "the views did not get there in " + millis + " ms");
	}

	@Test
	void aGenerationShowsItsPreviewsAndImagesAndTheGalleryPicksThemUp() throws Exception {
		assertTrue(Files.isDirectory(TINY.resolve("unet")), "the tiny pipeline fixture is missing: " + TINY);
		DiffusionService service = diffusion();
		JobService jobs = Fakes.jobs();
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1400, 800);
		SashForm sash = new SashForm(shell, SWT.HORIZONTAL);
		GalleryPart gallery = new GalleryPart(service, jobs);
		Fakes.Broker broker = new Fakes.Broker();
		gallery.broker(broker);
		gallery.create(new Composite(sash, SWT.NONE));
		DiffusionPart part = new DiffusionPart(service, jobs);
		part.create(new Composite(sash, SWT.NONE));
		sash.setWeights(30, 70);
		shell.open();
		try {
			List<Path> before = gallery.grid.files();
			part.modelFolder.setText(TINY.toString());
			part.prompt.setText("a red fox in the snow");
			part.sampler.select(Sampler.EULER_A.ordinal());
			part.steps.setSelection(4);
			part.seed.setText("42");
			part.width.setSelection(64);
			part.height.setSelection(64);
			part.batch.setSelection(2);
			assertTrue(part.generate() != null, part.problem.getText());

			spin(display, 120_000, () -> part.status.getText().startsWith("Wrote") || part.status.getText().startsWith("Generation failed"));
			assertTrue(part.status.getText().startsWith("Wrote 2 image(s) to " + service.defaultOutputFolder()), part.status.getText());
			List<Path> made = part.results.files();
			assertEquals(2, made.size());
			spin(display, 10_000, () -> part.stepCount.getText().equals("Step 4/4") && part.previewImage != null && part.results.loaded() == 2);
			assertEquals(List.of("42", "43"), made.stream().map(f -> {
				try {
					return Infotext.parse(PngInfo.read(f).get(Infotext.CHUNK)).settings().get("Seed");
				} catch (java.io.IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
			}).toList(), "image i of the batch has seed + i");

			spin(display, 10_000, () -> gallery.grid.files().containsAll(made));
			assertEquals(before.size() + 2, gallery.grid.files().size());
			assertTrue(gallery.grid.files().indexOf(made.get(0)) < 2 && gallery.grid.files().indexOf(made.get(1)) < 2, "the new images come first");
			gallery.grid.select(made.get(1));
			GenerationRequest reused = gallery.reuseSelected();
			assertEquals(new GenerationRequest("a red fox in the snow", "", Sampler.EULER_A, 4, 7.5, 43, 64, 64, 1, null, 0.75), reused);
			spin(display, 10_000, () -> gallery.grid.loaded() == gallery.grid.files().size());
			Fakes.screenshot(shell, "generate-end-to-end.png");
		} finally {
			part.close();
			gallery.close();
			shell.dispose();
		}
	}
}
