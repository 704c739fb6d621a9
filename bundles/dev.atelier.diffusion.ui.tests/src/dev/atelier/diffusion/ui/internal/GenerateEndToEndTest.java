package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;

import dev.atelier.core.jobs.JobService;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.Sampler;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;

/**
 * The Diffusion view over the real diffusion service, on the CPU, with the tiny random-weight pipeline that
 * dev.atelier.diffusion.tests keeps as its fixture: the Diffusion view's job runs the pipeline, its previews and
 * images show, and the Gallery's Reuse parameters (this bundle's handler) takes a written image's request back into the
 * form.
 */
class GenerateEndToEndTest {

	/** Tests run in the test bundle's folder; the fixture is the diffusion tests' one, beside it. */
	private static final Path TINY = Path.of("..", "dev.atelier.diffusion.tests", "fixture", "tiny-sd").toAbsolutePath().normalize();

	private static DiffusionService diffusion() throws InterruptedException {
		return Services.await(GenerateEndToEndTest.class, DiffusionService.class);
	}

	@Test
	void aGenerationShowsItsPreviewsAndImagesWhoseParametersCanBeReused() throws Exception {
		assertTrue(Files.isDirectory(TINY.resolve("unet")), "the tiny pipeline fixture is missing: " + TINY);
		DiffusionService service = diffusion();
		JobService jobs = Fakes.jobs();
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1400, 800);
		DiffusionPart part = new DiffusionPart(service, jobs, new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			part.form.modelFolder.setText(TINY.toString());
			part.form.prompt.setText("a red fox in the snow");
			part.form.sampler.select(Sampler.EULER_A.ordinal());
			part.form.steps.setSelection(4);
			part.form.seed.setText("42");
			part.form.width.setSelection(64);
			part.form.height.setSelection(64);
			part.form.batch.setSelection(2);
			assertTrue(part.generate() != null, part.problem.getText());

			Displays.spinUntil(display, () -> part.status.getText().startsWith("Wrote") || part.status.getText().startsWith("Generation failed"),
					Duration.ofMinutes(2));
			assertTrue(part.status.getText().startsWith("Wrote 2 image(s) to " + service.defaultOutputFolder()), part.status.getText());
			List<Path> made = part.results.files();
			assertEquals(2, made.size());
			Displays.spinUntil(display, () -> part.stepCount.getText().equals("Step 4/4") && part.previewImage != null && part.results.loaded() == 2);
			assertEquals(List.of("42", "43"), made.stream().map(f -> {
				try {
					return Infotext.parse(PngInfo.read(f).get(Infotext.CHUNK)).settings().get("Seed");
				} catch (java.io.IOException e) {
					throw new java.io.UncheckedIOException(e);
				}
			}).toList(), "image i of the batch has seed + i");

			// the Gallery's Reuse parameters on the second image: its own seed, a batch of one, into the form
			Fakes.Broker broker = new Fakes.Broker();
			assertTrue(new ReuseParametersHandler().canExecute(made.get(1).toString()));
			java.util.concurrent.CompletableFuture<String> said = new ReuseParametersHandler()
					.execute(made.get(1).toString(), broker, new DisplaySynchronize(display), null).toCompletableFuture();
			Displays.spinUntil(display, said::isDone);
			assertEquals("Sent seed 43 and its settings to the Diffusion view.", said.join());
			GenerationRequest reused = (GenerationRequest) broker.sent.get(0)[1];
			assertEquals(new GenerationRequest("a red fox in the snow", "", Sampler.EULER_A, 4, 7.5, 43, 64, 64, 1, null, 0.75), reused);
			part.reuse(reused);
			assertEquals(reused, part.form.request());
			Screenshots.save(shell, "generate-end-to-end.png");
		} finally {
			part.close();
			shell.dispose();
		}
	}
}
