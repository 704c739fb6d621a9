package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.RGB;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Widget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.ui.ThemeColours;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.outputs.PngInfo;
import dev.atelier.diffusion.GenerationOptions;
import dev.atelier.diffusion.GenerationRequest;
import dev.atelier.diffusion.Infotext;
import dev.atelier.diffusion.Sampler;
import dev.atelier.testing.MemoryPreferences;
import dev.atelier.testing.TestEnvironment;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;

/** The Diffusion view in a plain shell, over a fake diffusion service whose jobs run on the real job service. */
class DiffusionPartTest {

	private static final int RED = 0xff0000;
	private static final int BLUE = 0x0000ff;

	@TempDir
	Path dir;
	private Display display;
	private Shell shell;
	private Fakes.Diffusion diffusion;
	private MemoryPreferences prefs;
	private DiffusionPart part;
	private Path model;

	@BeforeEach
	void open() throws Exception {
		display = Display.getDefault();
		shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(1200, 800);
		diffusion = new Fakes.Diffusion(Fakes.jobs(), dir.resolve("outputs"));
		prefs = new MemoryPreferences();
		part = new DiffusionPart(diffusion, Fakes.jobs(), new DisplaySynchronize(display));
		part.preferences(prefs);
		part.create(shell);
		shell.open();
		model = Files.createDirectories(dir.resolve("tiny-sd"));
		part.form.model.setText(model.toString());
	}

	@AfterEach
	void close() {
		part.close();
		shell.dispose();
	}

	private static void click(Widget widget) {
		widget.notifyListeners(SWT.Selection, new Event());
	}

	private static void modified(Widget widget) {
		widget.notifyListeners(SWT.Modify, new Event());
	}

	/** File ▸ Open (and the Welcome page's tiny model) with a single-file checkpoint: Generate uses it. */
	@Test
	void openingACheckpointFileMakesItTheModelGenerateUses() throws IOException {
		Path checkpoint = Files.writeString(dir.resolve("tiny.safetensors"), "");
		part.open(checkpoint);
		assertEquals(checkpoint.toString(), part.form.model.getText());
		assertEquals("Generate uses " + checkpoint + ".", part.status.getText());
	}

	@Test
	void aSizeThatIsNotAMultipleOf8IsExplainedAndNothingIsSubmitted() {
		part.form.width.setSelection(500);
		modified(part.form.width);
		assertEquals("width 500 is not a multiple of 8 (the VAE works on 8×8 pixel blocks); try 496", part.problem.getText());
		assertFalse(part.generate.getEnabled(), "Generate is disabled while the form is invalid");
		assertEquals(DiffusionForm.CUSTOM_SIZE, part.form.size.getText());
		assertNull(Fakes.generate(part), "generating anyway submits nothing");
		assertEquals(List.of(), diffusion.requests);

		part.form.size.select(2);
		click(part.form.size);
		assertEquals(768, part.form.width.getSelection());
		assertEquals(512, part.form.height.getSelection());
		assertEquals("", part.problem.getText());
		assertTrue(part.generate.getEnabled());

		part.form.seed.setText("12ab");
		assertEquals("the seed must be a whole number, not '12ab'", part.problem.getText());
		assertFalse(part.generate.getEnabled());
		part.form.seed.setText("12");
		part.form.model.setText("");
		assertNull(Fakes.generate(part));
		assertTrue(part.problem.getText().startsWith("Choose a model: a checkpoint file (.safetensors, .ckpt) or a pipeline folder"), part.problem.getText());
		part.form.model.setText(dir.resolve("missing").toString());
		assertNull(Fakes.generate(part));
		assertEquals("No such folder or checkpoint file: " + dir.resolve("missing"), part.problem.getText());
		assertEquals(List.of(), diffusion.requests);
	}

	@Test
	void inAShortViewTheFormScrollsAndGenerateStaysInSight() throws Exception {
		shell.setSize(900, 420);
		shell.layout(true, true);
		Displays.spinUntil(display, () -> part.formScroll.getVerticalBar().getVisible());
		Rectangle button = display.map(part.generate.getParent(), shell, part.generate.getBounds());
		assertTrue(shell.getClientArea().contains(button.x + button.width - 1, button.y + button.height - 1),
				"Generate at " + button + " inside " + shell.getClientArea());
	}

	@Test
	void randomIsTheDefaultEveryJobDrawsItsOwnSeedAndReuseLastSeedOffersIt() throws Exception {
		assertTrue(part.form.random.getSelection(), "random is the default");
		assertEquals("-1", part.form.seed.getText());
		assertFalse(part.form.reuseSeed.getEnabled(), "no seed to reuse before the first job");
		JobHandle<List<Path>> first = Fakes.generate(part);
		JobHandle<List<Path>> second = Fakes.generate(part);
		assertTrue(first != null && second != null, part.problem.getText());
		long a = diffusion.requests.get(0).seed();
		long b = diffusion.requests.get(1).seed();
		assertTrue(a >= 0 && a < GenerationRequest.SEED_BOUND && b >= 0 && b < GenerationRequest.SEED_BOUND, a + ", " + b);
		assertNotEquals(a, b, "each job its own seed");
		assertEquals("-1", part.form.seed.getText(), "the form stays random");
		assertTrue(part.status.getText().contains("seed " + b), part.status.getText());

		click(part.form.reuseSeed);
		assertEquals(Long.toString(b), part.form.seed.getText());
		assertFalse(part.form.random.getSelection(), "a given seed is not random");
		Fakes.generate(part);
		assertEquals(b, diffusion.requests.get(2).seed(), "the reused seed is used as it is");

		click(part.form.dice);
		assertEquals("-1", part.form.seed.getText(), "the dice asks for a random seed, as AUTOMATIC1111's");
		assertTrue(part.form.random.getSelection());
		part.form.random.setSelection(false);
		click(part.form.random);
		assertEquals(Long.toString(b), part.form.seed.getText(), "unticking Random keeps the last seed");
		part.form.seed.setText("-1");
		assertTrue(part.form.random.getSelection(), "typing -1 ticks Random");
		part.form.seed.setText("-2");
		assertEquals("the seed must be -1 (random) or 0 and above, not -2", part.problem.getText());
		assertFalse(part.generate.getEnabled());
	}

	@Test
	void theFinishedImagesShowLargeABatchWithoutBlackTilesAndEveryJobStaysInTheStrip() throws Exception {
		Path outputs = diffusion.defaultOutputFolder();
		int[] colours = { RED, 0x00ff00, BLUE };
		diffusion.script = (context, request, listener) -> {
			// the last step's preview is noise: grey
			listener.step(3, 3, List.of(Fakes.solid(64, 64, 0x808080), Fakes.solid(64, 64, 0x808080), Fakes.solid(64, 64, 0x808080)));
			List<Path> files = new java.util.ArrayList<>();
			for (int i = 0; i < request.batch(); i++) {
				files.add(Fakes.png(outputs.resolve(String.format("%05d-%d.png", diffusion.requests.size() * 10 + i, request.seed() + i)), 64, 64,
						colours[i], request.withSeed(request.seed() + i)));
			}
			return files;
		};
		part.form.width.setSelection(64);
		part.form.height.setSelection(64);
		part.form.batch.setSelection(3);
		JobHandle<List<Path>> first = Fakes.generate(part);
		Displays.spinUntil(display, () -> part.status.getText().startsWith("Wrote") && part.previewFinal);
		Image shown = part.previewImage;
		Rectangle b = shown.getBounds();
		assertTrue(b.width > 3 * 64 && b.width >= 3 * b.height - 3, "three images in a row, scaled up: " + b);
		for (int i = 0; i < 3; i++) {
			RGB rgb = Screenshots.pixel(shown, b.width * (2 * i + 1) / 6, b.height / 2);
			assertEquals(new RGB(colours[i] >> 16 & 0xff, colours[i] >> 8 & 0xff, colours[i] & 0xff), rgb, "tile " + i + " is the finished image, not noise");
		}
		Screenshots.save(shell, "diffusion-finished-batch.png");

		part.form.batch.setSelection(1);
		JobHandle<List<Path>> second = Fakes.generate(part);
		Displays.spinUntil(display, () -> second.state().isDone() && part.results.files().size() == 4);
		List<Path> strip = new java.util.ArrayList<>(second.result().get());
		strip.addAll(first.result().get());
		assertEquals(strip, part.results.files(), "every job's images, newest first");
	}

	@Test
	void generateSubmitsTheFormsRequestThenShowsPreviewsTheQueueAndTheResults() throws Exception {
		CountDownLatch carryOn = new CountDownLatch(1);
		Path outputs = diffusion.defaultOutputFolder();
		diffusion.script = (context, request, listener) -> {
			listener.step(1, 2, List.of(Fakes.solid(64, 96, RED), Fakes.solid(64, 96, RED)));
			assertTrue(carryOn.await(10, TimeUnit.SECONDS));
			listener.step(2, 2, List.of(Fakes.solid(64, 96, BLUE), Fakes.solid(64, 96, BLUE)));
			return List.of(Fakes.png(outputs.resolve("00000-1234.png"), 512, 768, BLUE, request),
					Fakes.png(outputs.resolve("00001-1235.png"), 512, 768, BLUE, request.withSeed(1235)));
		};
		part.form.prompt.setText("a red fox in the snow");
		part.form.negativePrompt.setText("blurry");
		part.form.sampler.select(Sampler.DDIM.ordinal());
		part.form.steps.setSelection(12);
		part.form.cfgScale.setSelection(650);
		part.form.seed.setText("1234");
		part.form.size.select(1);
		click(part.form.size);
		part.form.batch.setSelection(2);
		assertEquals("cpu", part.form.device.getText(), "the CPU is chosen unless another device is");

		JobHandle<List<Path>> job = Fakes.generate(part);
		assertTrue(job != null, part.problem.getText());
		assertEquals(List.of(new GenerationRequest("a red fox in the snow", "blurry", Sampler.DDIM, 12, 6.5, 1234, 512, 768, 2, null, 0.75)),
				diffusion.requests);
		assertEquals(List.of(model), diffusion.models);
		assertEquals(List.of("cpu"), diffusion.devices);
		assertEquals(model.toString(), prefs.get(DiffusionPart.MODEL_FOLDER_KEY, null), "the model folder is remembered");
		assertTrue(part.cancel.getEnabled());

		Displays.spinUntil(display, () -> part.stepCount.getText().equals("Step 1/2") && part.previewImage != null);
		Image first = part.previewImage;
		assertTrue(first.getBounds().width > 2 * 64, "the previews are scaled up: " + first.getBounds());
		assertEquals(new RGB(255, 0, 0), Screenshots.pixel(first, first.getBounds().width / 4, first.getBounds().height / 2));
		assertEquals(1, part.queue.getItemCount(), "the queue lists the running job");
		assertEquals("diffusion 512x768x2 on cpu", part.queue.getItem(0).getText(0));
		assertEquals("running", part.queue.getItem(0).getText(1));

		carryOn.countDown();
		Displays.spinUntil(display, () -> part.status.getText().startsWith("Wrote"));
		assertEquals("Wrote 2 image(s) to " + outputs + ".", part.status.getText());
		assertEquals(job.result().get(), part.results.files());
		Displays.spinUntil(display, () -> part.results.loaded() == 2 && part.stepCount.getText().equals("Step 2/2") && part.previewFinal);
		assertTrue(first.isDisposed(), "a preview replaced is disposed");
		Image last = part.previewImage;
		assertEquals(new RGB(0, 0, 255), Screenshots.pixel(last, last.getBounds().width / 4, last.getBounds().height / 2));
		assertEquals(0, part.queue.getItemCount());
		assertFalse(part.cancel.getEnabled());
		Screenshots.save(shell, "diffusion.png");

		shell.dispose();
		assertTrue(last.isDisposed(), "the preview goes with the view");
	}

	@Test
	void aFailedJobShowsItsMessageAndTheViewCarriesOn() throws Exception {
		Path full = diffusion.defaultOutputFolder().resolve("00000-7.png");
		diffusion.script = (context, request, listener) -> {
			throw new IOException(full + ": No space left on device");
		};
		part.form.seed.setText("7");
		assertTrue(Fakes.generate(part) != null);
		Displays.spinUntil(display, () -> part.status.getText().startsWith("Generation failed"));
		assertEquals("Generation failed: " + full + ": No space left on device", part.status.getText());
		assertTrue(ThemeColours.isProblem(part.status), "in the theme's problem colour");
		assertTrue(part.generate.getEnabled());

		diffusion.script = (context, request, listener) -> List.of();
		assertTrue(Fakes.generate(part) != null, "the next job goes through");
		Displays.spinUntil(display, () -> part.status.getText().startsWith("Wrote"));
		assertFalse(ThemeColours.isProblem(part.status), "in the theme's plain colour again");
	}

	@Test
	void aDeviceTheServiceRefusesIsExplainedUnderTheButton() {
		Fakes.Diffusion refusing = new Fakes.Diffusion(null, dir) {
			@Override
			public JobHandle<List<Path>> submit(Path m, GenerationRequest r, String device, Path out, dev.atelier.diffusion.GenerationListener l) {
				throw new IllegalArgumentException("a batch of 64 at 1024x1024 cannot fit sim:rtx4090: use a batch of 8");
			}
		};
		DiffusionPart other = new DiffusionPart(refusing, diffusion.jobs, new DisplaySynchronize(display));
		Shell second = new Shell(display);
		second.setLayout(new FillLayout());
		try {
			other.create(second);
			other.form.model.setText(model.toString());
			assertNull(Fakes.generate(other));
			assertEquals("a batch of 64 at 1024x1024 cannot fit sim:rtx4090: use a batch of 8", other.problem.getText());
		} finally {
			other.close();
			second.dispose();
		}
	}

	@Test
	void cancelStopsTheRunningJob() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		diffusion.script = (context, request, listener) -> {
			started.countDown();
			while (true) {
				context.checkCancelled();
				Thread.sleep(5);
			}
		};
		assertTrue(Fakes.generate(part) != null);
		assertTrue(started.await(10, TimeUnit.SECONDS));
		click(part.cancel);
		Displays.spinUntil(display, () -> part.status.getText().equals("Cancelled."));
		assertFalse(part.cancel.getEnabled());
		assertTrue(part.generate.getEnabled());
	}

	@Test
	void reusedParametersFillTheFormAndTheModelFolderIsRememberedForTheNextView() {
		GenerationRequest img2img = new GenerationRequest("a castle", "people", Sampler.LMS, 33, 11.25, 4_000_000_000L, 1024, 1024, 3,
				dir.resolve("start.png"), 0.4);
		part.reuse(new DiffusionUi.Reused(img2img, GenerationOptions.NONE));
		assertEquals(img2img, part.form.request());
		assertEquals("1024x1024", part.form.size.getText());
		assertTrue(part.form.strength.getEnabled());
		assertTrue(part.status.getText().startsWith("Parameters reused: seed 4000000000"), part.status.getText());

		prefs.put(DiffusionPart.MODEL_FOLDER_KEY, "/models/sd15-onnx");
		DiffusionPart next = new DiffusionPart(diffusion, diffusion.jobs, new DisplaySynchronize(display));
		next.preferences(prefs);
		Shell second = new Shell(display);
		second.setLayout(new FillLayout());
		try {
			next.create(second);
			assertEquals("/models/sd15-onnx", next.form.model.getText());
		} finally {
			next.close();
			second.dispose();
		}
	}

	@Test
	void theModelListOffersTheCheckpointFilesAndPipelinesOfTheModelsFolderThePreferenceNamesElseTheWorkspaces() throws Exception {
		Path workspace = dir.resolve("workspace");
		Path byDefault = pipeline(workspace.resolve("models/checkpoints/tiny-sd"));
		DiffusionPart next = new DiffusionPart(diffusion, diffusion.jobs, new DisplaySynchronize(display));
		MemoryPreferences fresh = new MemoryPreferences();
		next.preferences(fresh);
		next.environment(TestEnvironment.at(workspace));
		Shell second = new Shell(display);
		second.setLayout(new FillLayout());
		try {
			next.create(second);
			Displays.spinUntil(display, () -> next.form.model.getItemCount() == 1);
			assertEquals(List.of(byDefault.toString()), List.of(next.form.model.getItems()));
			assertEquals(byDefault.toString(), next.form.model.getText(), "with no model remembered the first model is taken");

			Path chosen = dir.resolve("my models");
			Path b = pipeline(chosen.resolve("checkpoints/b-sd"));
			Path a = pipeline(chosen.resolve("checkpoints/a-sd"));
			Path single = Files.writeString(chosen.resolve("checkpoints/v1-5-pruned-emaonly.safetensors"), "");
			Path pickle = Files.writeString(chosen.resolve("checkpoints/dreamy.ckpt"), "");
			Files.writeString(chosen.resolve("checkpoints/v1-5-pruned-emaonly.yaml"), "");
			Files.createDirectories(chosen.resolve("checkpoints/not-a-pipeline"));
			fresh.put(ModelsFolder.PREFERENCE, chosen.toString());
			next.form.model.notifyListeners(SWT.FocusIn, new Event());
			Displays.spinUntil(display, () -> next.form.model.getItemCount() == 4);
			assertEquals(List.of(a.toString(), b.toString(), pickle.toString(), single.toString()), List.of(next.form.model.getItems()),
					"checkpoint files and pipeline folders, by name");
			assertEquals(byDefault.toString(), next.form.model.getText(), "the model in use stays until another is chosen");
			assertTrue(next.form.model.getToolTipText().contains("4 Stable Diffusion models (checkpoint files, pipeline folders) in " + chosen.resolve("checkpoints")),
					next.form.model.getToolTipText());
		} finally {
			next.close();
			second.dispose();
		}
	}

	/**
	 * The LoRA, ControlNet, mask, VAE and tiled-VAE pickers offer the models folder's files and make the request that
	 * atelier generate makes of the same choices: the one {@link GenerationOptions#applyTo} gives, which the command line
	 * builds its request with.
	 */
	@Test
	void thePickersOfferTheModelsFoldersFilesAndMakeTheRequestTheCommandLineMakes() throws Exception {
		Path workspace = dir.resolve("workspace");
		Path models = workspace.resolve("models");
		Path detail = Files.writeString(Files.createDirectories(models.resolve("loras")).resolve("detail.safetensors"), "");
		Path style = Files.writeString(models.resolve("loras/style.safetensors"), "");
		Files.writeString(models.resolve("loras/readme.txt"), "");
		Path canny = Files.writeString(Files.createDirectories(models.resolve("controlnet")).resolve("control_canny.pth"), "");
		Path vae = Files.writeString(Files.createDirectories(models.resolve("vae")).resolve("ft-mse.safetensors"), "");
		Path init = Files.writeString(dir.resolve("start.png"), "");
		Path mask = Files.writeString(dir.resolve("mask.png"), "");
		Path edges = Files.writeString(dir.resolve("edges.png"), "");
		DiffusionPart next = new DiffusionPart(diffusion, diffusion.jobs, new DisplaySynchronize(display));
		next.environment(TestEnvironment.at(workspace));
		Shell second = new Shell(display);
		second.setLayout(new FillLayout());
		second.setSize(1200, 1000);
		try {
			next.create(second);
			second.open();
			DiffusionForm f = next.form;
			f.model.setText(model.toString());
			Displays.spinUntil(display, () -> f.loraChoice.getItemCount() == 2 && f.controlNet.getItemCount() == 1 && f.vae.getItemCount() == 1);
			assertEquals(List.of(detail.toString(), style.toString()), List.of(f.loraChoice.getItems()));
			assertEquals(List.of(canny.toString()), List.of(f.controlNet.getItems()));
			assertEquals(List.of(vae.toString()), List.of(f.vae.getItems()));
			assertEquals("", f.controlNet.getText(), "no ControlNet until one is chosen");
			assertEquals("", f.vae.getText(), "the checkpoint's own VAE until another is chosen");

			f.prompt.setText("a lighthouse");
			f.seed.setText("77");
			f.loraChoice.setText(detail.toString());
			f.loraWeight.setSelection(80);
			click(f.addLora);
			f.loraChoice.setText(style.toString());
			f.loraWeight.setSelection(-50);
			click(f.addLora);
			f.loraChoice.setText(detail.toString());
			f.loraWeight.setSelection(100);
			click(f.addLora);
			assertEquals(List.of("detail  0.8", "style  -0.5", "detail  1.0"), List.of(f.loras.getItems()));
			f.loras.select(2);
			click(f.removeLora);
			assertEquals(List.of("detail  0.8", "style  -0.5"), List.of(f.loras.getItems()));

			f.controlNet.setText(canny.toString());
			assertEquals("ControlNet needs a control image", next.problem.getText(), "named as the view names it");
			assertFalse(next.generate.getEnabled());
			f.controlImage.setText(edges.toString());
			f.controlStrength.setSelection(150);
			f.controlStart.setSelection(20);
			f.controlEnd.setSelection(90);
			f.canny.setSelection(true);
			click(f.canny);
			f.mask.setText(mask.toString());
			assertEquals("a mask needs the image it masks (an init image)", next.problem.getText());
			f.initImage.setText(init.toString());
			f.vae.setText(vae.toString());
			f.tileVae.setSelection(true);
			click(f.tileVae);
			assertEquals("", next.problem.getText());

			assertTrue(Fakes.generate(next) != null, next.problem.getText());
			// what atelier generate --lora detail:0.8 --lora style:-0.5 --controlnet … --canny --mask … --vae … --tile-vae builds
			GenerationRequest cli = new GenerationOptions(List.of(detail + ":0.8", style + ":-0.5"), canny, edges, 1.5, 0.2, 0.9, true, mask, vae, true)
					.applyTo(new GenerationRequest("a lighthouse", "", Sampler.EULER_A, 20, 7.5, 77, 512, 512, 1, init, 0.75), GenerationOptions.Names.CLI);
			assertEquals(List.of(cli), diffusion.requests);
			Screenshots.save(second, "diffusion-pickers.png");

			// shown back (the job record's request, Reuse): every picker as it was
			f.show(GenerationRequest.of("", 1));
			assertEquals(List.of(), List.of(f.loras.getItems()));
			f.show(cli);
			assertEquals(cli, f.request());
			assertEquals(List.of("detail  0.8", "style  -0.5"), List.of(f.loras.getItems()));
		} finally {
			next.close();
			second.dispose();
		}
	}

	/** Reuse of an image whose infotext has a ControlNet unit and a VAE: they are chosen again, and the control image asked for. */
	@Test
	void reuseFillsTheControlNetAndVaeTheImageRecordsAndAsksForTheControlImage() {
		GenerationRequest request = new GenerationRequest("a castle <lora:detail:0.8>", "", Sampler.EULER, 20, 7, 5, 512, 512, 1, null, 0.75);
		part.reuse(new DiffusionUi.Reused(request,
				new GenerationOptions(List.of(), Path.of("control_canny"), null, 1.5, 0.25, 0.5, true, null, Path.of("ft-mse.safetensors"), false)));
		assertEquals("a castle <lora:detail:0.8>", part.form.prompt.getText(), "LoRAs stay in the prompt, as AUTOMATIC1111 reuses them");
		assertEquals("control_canny", part.form.controlNet.getText());
		assertEquals(150, part.form.controlStrength.getSelection());
		assertEquals(25, part.form.controlStart.getSelection());
		assertEquals(50, part.form.controlEnd.getSelection());
		assertTrue(part.form.canny.getSelection());
		assertEquals("ft-mse.safetensors", part.form.vae.getText());
		assertEquals("ControlNet needs a control image", part.problem.getText());
		assertTrue(part.status.getText().endsWith("choose the ControlNet's control image."), part.status.getText());
	}

	/**
	 * The Gallery's Reuse of an inpainted image made with tiled VAE, its init image and mask in the workspace: the image
	 * names them relative to it, the handler reads its parameters, finding them in the workspace, and the form takes its
	 * init image, strength, mask and tiled VAE back, the request the image was made with; a file gone since is said.
	 */
	@Test
	void reuseOfAnInpaintedImageFillsItsInitImageMaskAndTiledVaeBack() throws Exception {
		Path init = Files.writeString(dir.resolve("door.png"), "");
		Path mask = Files.writeString(Files.createDirectories(dir.resolve("masks")).resolve("door.png"), "");
		GenerationRequest inpainted = new GenerationRequest("a red door", "", Sampler.EULER, 20, 7, 5, 512, 512, 1, init, 0.35).withMask(mask).withTileVae(true);
		// as the diffusion queue writes it into the workspace
		String text = Infotext.of(inpainted, 0, "sd-inpainting", "").inWorkspace(dir).text();
		assertTrue(text.endsWith("Init image: door.png, Mask: masks/door.png, Tiled VAE: True"), text);
		Path image = Files.write(Files.createDirectories(dir.resolve("outputs")).resolve("00000-5.png"),
				PngInfo.encode(Fakes.solid(8, 8, RED), Map.of(Infotext.CHUNK, text)));
		Fakes.Broker broker = new Fakes.Broker();
		CompletableFuture<String> said = new ReuseParametersHandler()
				.execute(image.toString(), broker, new DisplaySynchronize(display), null, TestEnvironment.at(dir)).toCompletableFuture();
		Displays.spinUntil(display, said::isDone);
		DiffusionUi.Reused reused = (DiffusionUi.Reused) broker.sent.get(0)[1];
		part.reuse(reused);
		assertEquals(init.toString(), part.form.initImage.getText());
		assertEquals(35, part.form.strength.getSelection());
		assertEquals(mask.toString(), part.form.mask.getText());
		assertTrue(part.form.tileVae.getSelection());
		assertEquals(inpainted, part.form.request());

		Files.delete(mask);
		part.reuse(reused);
		Displays.spinUntil(display, () -> !part.problem.getText().isEmpty());
		assertEquals("No such file: " + mask, part.problem.getText());
		assertFalse(part.generate.getEnabled());
	}

	/** The files the form names are looked at, and the service's submit (which opens the model) runs, off the UI thread. */
	@Test
	void theFilesAreLookedAtAndTheJobSubmittedOffTheUiThreadAndAMissingFileIsSaid() throws Exception {
		Path lora = dir.resolve("detail.safetensors");
		part.form.addLora(lora + ":0.5");
		assertEquals("", part.problem.getText(), "not known on the UI thread, which does not look");
		Displays.spinUntil(display, () -> !part.problem.getText().isEmpty());
		assertEquals("LoRA " + lora + ":0.5: no such file " + lora, part.problem.getText());
		assertFalse(part.generate.getEnabled());
		assertNull(Fakes.generate(part), "generating anyway submits nothing");
		assertEquals(List.of(), diffusion.requests);

		Files.writeString(lora, "");
		part.form.prompt.setText("a lighthouse");
		assertTrue(Fakes.generate(part) != null, part.problem.getText());
		assertEquals(List.of(lora), diffusion.requests.getFirst().loras().stream().map(l -> l.file()).toList());
		assertNotSame(display.getThread(), diffusion.submitters.getFirst());
		assertEquals("", part.problem.getText());
	}

	private static Path pipeline(Path folder) throws IOException {
		Files.createDirectories(folder);
		Files.writeString(folder.resolve("model_index.json"), "{}");
		return folder;
	}
}
