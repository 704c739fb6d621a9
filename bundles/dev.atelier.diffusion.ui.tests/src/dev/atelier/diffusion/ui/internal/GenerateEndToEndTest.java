package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.jobs.JobService;
import dev.atelier.core.outputs.Images;
import dev.atelier.diffusion.DiffusionService;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.GenerationOptions;
import dev.atelier.diffusion.Sampler;
import dev.atelier.testing.Psnr;
import dev.atelier.testing.Services;
import dev.atelier.testing.checkpoints.FormulaWeights;
import dev.atelier.testing.checkpoints.TestLoras;
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
			part.form.model.setText(TINY.toString());
			part.form.prompt.setText("a red fox in the snow");
			part.form.sampler.select(Sampler.EULER_A.ordinal());
			part.form.steps.setSelection(4);
			part.form.seed.setText("42");
			part.form.width.setSelection(64);
			part.form.height.setSelection(64);
			part.form.batch.setSelection(2);
			assertTrue(Fakes.generate(part) != null, part.problem.getText());

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
					.execute(made.get(1).toString(), broker, new DisplaySynchronize(display), null, Services.await(GenerateEndToEndTest.class, AtelierEnvironment.class))
					.toCompletableFuture();
			Displays.spinUntil(display, said::isDone);
			assertEquals("Sent seed 43 and its settings to the Diffusion view.", said.join());
			DiffusionUi.Reused reused = (DiffusionUi.Reused) broker.sent.get(0)[1];
			assertEquals(new GenerationRequest("a red fox in the snow", "", Sampler.EULER_A, 4, 7.5, 43, 64, 64, 1, null, 0.75), reused.request());
			assertEquals(GenerationOptions.NONE, reused.options(), "no LoRA file, ControlNet or VAE recorded");
			part.reuse(reused);
			assertEquals(reused.request(), part.form.request());
			Screenshots.save(shell, "generate-end-to-end.png");
		} finally {
			part.close();
			shell.dispose();
		}
	}

	/** The diffusion tests' control image. */
	private static final Path CONTROL_IMAGE = Path.of("..", "dev.atelier.diffusion.tests", "fixture", "engine-sd1-controlnet", "control.png").toAbsolutePath()
			.normalize();

	/**
	 * The view's LoRA, ControlNet and VAE pickers on the reduced SD 1.x checkpoint generate the image {@code atelier
	 * generate} generates with the same options, through the same queue: the same pixels and the same parameters text.
	 */
	@Test
	void thePickersGenerateTheImageTheCommandLineGeneratesWithTheSameOptions(@TempDir Path dir) throws Exception {
		Path checkpoint = FormulaWeights.write(FormulaWeights.SD1_REFERENCE, "F16", dir.resolve("tiny-sd1.safetensors"));
		Path lora = TestLoras.sd1(dir.resolve("detail.safetensors"));
		Path controlNet = FormulaWeights.writeControlNet(FormulaWeights.SD1_REFERENCE, new int[] { 16, 32, 32, 64 }, "F16",
				dir.resolve("control_tiny_canny.safetensors"));
		Path vae = FormulaWeights.writeVae(FormulaWeights.SD1_REFERENCE, "F16", false, dir.resolve("other-vae.safetensors"));
		assertTrue(Files.isRegularFile(CONTROL_IMAGE), "the control image fixture is missing: " + CONTROL_IMAGE);
		DiffusionService service = diffusion();

		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		Services.await(GenerateEndToEndTest.class, Subcommand.class);
		BundleContext context = FrameworkUtil.getBundle(GenerateEndToEndTest.class).getBundleContext();
		List<Subcommand> all = context.getServiceReferences(Subcommand.class, null).stream().map(context::getService).toList();
		int exit = Cli.run(all, CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), null),
				List.of("generate", "--model", checkpoint.toString(), "--device", "cpu", "--prompt", "a photo of a cat", "--sampler", "euler", "--steps", "3",
						"--cfg", "7.5", "--seed", "1234", "--size", "64x64", "--strength", "0.75", "--lora", lora + ":0.8", "--controlnet", controlNet.toString(),
						"--control-image", CONTROL_IMAGE.toString(), "--control-strength", "1.5", "--control-end", "0.5", "--canny", "--vae", vae.toString(),
						"--tile-vae"));
		assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
		Path byCli = Path.of(out.toString(StandardCharsets.UTF_8).strip());

		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1400, 900);
		DiffusionPart part = new DiffusionPart(service, Fakes.jobs(), new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			DiffusionForm f = part.form;
			f.model.setText(checkpoint.toString());
			f.prompt.setText("a photo of a cat");
			f.sampler.select(Sampler.EULER.ordinal());
			f.steps.setSelection(3);
			f.seed.setText("1234");
			f.width.setSelection(64);
			f.height.setSelection(64);
			f.loraChoice.setText(lora.toString());
			f.loraWeight.setSelection(80);
			f.addLora.notifyListeners(SWT.Selection, new Event());
			f.controlNet.setText(controlNet.toString());
			f.controlImage.setText(CONTROL_IMAGE.toString());
			f.controlStrength.setSelection(150);
			f.controlEnd.setSelection(50);
			f.canny.setSelection(true);
			f.vae.setText(vae.toString());
			f.tileVae.setSelection(true);
			assertTrue(Fakes.generate(part) != null, part.problem.getText());
			Displays.spinUntil(display, () -> part.status.getText().startsWith("Wrote") || part.status.getText().startsWith("Generation failed"),
					Duration.ofMinutes(2));
			assertTrue(part.status.getText().startsWith("Wrote 1 image(s)"), part.status.getText());
			Path byView = part.results.files().get(0);

			String text = PngInfo.read(byCli).get(Infotext.CHUNK);
			assertEquals(text, PngInfo.read(byView).get(Infotext.CHUNK), "the same parameters");
			Map<String, String> settings = Infotext.parse(text).settings();
			assertTrue(settings.get("Lora hashes").startsWith("detail: ") && settings.get("ControlNet 0").startsWith("Module: canny, Model: control_tiny_canny [")
					&& settings.get("VAE").equals("other-vae.safetensors"), settings.toString());
			int apart = Psnr.largestDifference(Images.read(byCli, 1 << 24), Images.read(byView, 1 << 24));
			assertTrue(apart <= 1, "the same image: " + apart + " levels apart");
		} finally {
			part.close();
			shell.dispose();
		}
	}
}
