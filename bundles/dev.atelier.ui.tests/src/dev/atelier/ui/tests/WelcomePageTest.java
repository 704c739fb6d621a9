package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

import dev.atelier.core.AtelierEnvironment;
import dev.atelier.core.InfoContributor;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.Preferences;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.Screenshots;

/**
 * The Welcome page in the running workbench: a getting-started page whose buttons choose the models folder (which the
 * Diffusion view and the Assistant then list) and show the views to try a model, open a scene and see the GPU.
 */
class WelcomePageTest {

	@TempDir
	Path dir;

	@Test
	void theWelcomePageChoosesTheModelsFolderTheViewsListAndItsButtonsShowTheViewsToStartWith() throws Exception {
		Preferences preferences = Services.await(WelcomePageTest.class, Preferences.class);
		AtelierEnvironment env = Services.await(WelcomePageTest.class, AtelierEnvironment.class);
		Path models = dir.resolve("my models");
		Path pipeline = Files.createDirectories(models.resolve("checkpoints/tiny-sd"));
		Files.writeString(pipeline.resolve("model_index.json"), "{}");
		Path checkpoint = Files.writeString(models.resolve("checkpoints/v1-5-pruned-emaonly.safetensors"), "");
		Path gguf = Files.createDirectories(models.resolve("llm")).resolve("tiny.gguf");
		Files.writeString(gguf, "GGUF");
		String devices = devicesFact();
		List<String> problems = new ArrayList<>();
		try {
			RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
				Display display = Display.getCurrent();
				Composite welcome = partWidget(window, "dev.atelier.ui.part.welcome");
				List<String> texts = RunningWorkbench.texts(welcome);
				check(problems, texts.contains("1. Choose a models folder") && texts.contains("4. Your GPU and what fits on it"),
						"the four steps are shown: " + texts);
				check(problems, texts.stream().noneMatch(t -> t.equals("javaVersion") || t.equals("atelierVersion")), "no table of versions: " + texts);
				Text folder = RunningWorkbench.find(welcome, Text.class, t -> true);
				check(problems, folder.getText().equals(ModelsFolder.root(env.paths().workspaceRoot(), preferences).toString()),
						"the models folder in use is shown: " + folder.getText());
				check(problems, RunningWorkbench.find(welcome, Label.class, l -> l.getText().equals(devices.replace("; ", "\n"))) != null,
						"the devices are shown as the device service describes them: " + devices + " in " + texts);

				folder.setText(models.toString());
				Displays.click(button(welcome, "Use this folder"));
				String summary = "1 GGUF model(s) in " + models.resolve("llm") + ", 2 Stable Diffusion model(s) in " + models.resolve("checkpoints") + ".";
				Displays.spinUntil(display, () -> RunningWorkbench.find(welcome, Label.class, l -> l.getText().equals(summary)) != null);

				Displays.click(button(welcome, "Generate an image"));
				check(problems, active(window).equals("dev.atelier.diffusion.ui.part.diffusion"), "Generate an image shows the Diffusion view: " + active(window));
				Combo sd = listing(window, "dev.atelier.diffusion.ui.part.diffusion", "Stable Diffusion models (checkpoint files, pipeline folders) in "
						+ models.resolve("checkpoints"));
				check(problems, List.of(sd.getItems()).equals(List.of(pipeline.toString(), checkpoint.toString())),
						"the Diffusion view lists the chosen folder's pipelines and checkpoint files: " + List.of(sd.getItems()));

				Displays.click(button(welcome(window), "Chat in the Assistant"));
				check(problems, active(window).equals("dev.atelier.llm.ui.part.assistant"), "Chat shows the Assistant: " + active(window));
				Combo llms = listing(window, "dev.atelier.llm.ui.part.assistant", "GGUF models in " + models.resolve("llm"));
				check(problems, List.of(llms.getItems()).equals(List.of(gguf.toString())), "the Assistant lists the chosen folder's GGUF files: "
						+ List.of(llms.getItems()));

				Displays.click(button(welcome(window), "What fits on it…"));
				check(problems, active(window).equals("dev.atelier.device.ui.part.devices"), "What fits shows the Devices view and its planner: " + active(window));
				Displays.click(button(welcome(window), "Show the Viewport"));
				check(problems, active(window).equals("dev.atelier.viewport.ui.part.viewport"), "Show the Viewport shows it: " + active(window));
			});
			assertEquals(List.of(), problems);
			assertEquals(models.toString(), preferences.get(ModelsFolder.PREFERENCE, ""), "the folder is the workspace's preference");
			assertTrue(Files.isDirectory(models.resolve("llm")) && Files.isDirectory(models.resolve("checkpoints")));
		} finally {
			preferences.put(ModelsFolder.PREFERENCE, null);
			preferences.save();
		}
	}

	/**
	 * "Try the tiny test models" writes the views' tiny models into the models folder in a job and opens them: the tiny
	 * Llama answers in the Assistant, and the tiny SD 1.x checkpoint, opened in the Diffusion view, generates an image of
	 * the size asked on the CPU, which the preview shows (its pixels read back).
	 */
	@Test
	void tryingTheTinyTestModelsOpensThemWhereTheAssistantChatsAndTheDiffusionViewGenerates() throws Exception {
		Preferences preferences = Services.await(WelcomePageTest.class, Preferences.class);
		Path models = dir.resolve("first run models");
		preferences.put(ModelsFolder.PREFERENCE, models.toString());
		Path llama = models.resolve("llm/atelier-tiny-random.gguf");
		Path sd = models.resolve("checkpoints/atelier-tiny-random-sd1.safetensors");
		List<String> problems = new ArrayList<>();
		try {
			RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
				Display display = Display.getCurrent();
				Composite welcome = welcome(window);
				Displays.click(button(welcome, "Try the tiny test models"));
				check(problems, RunningWorkbench.find(welcome, Label.class, l -> l.getText().startsWith("Writing the tiny test models into " + models)) != null,
						"the page says what it writes where: " + RunningWorkbench.texts(welcome));
				Displays.spinUntil(display, () -> RunningWorkbench.find(welcome, Label.class, l -> l.getText().startsWith("Written and opened: ")) != null
						|| RunningWorkbench.find(welcome, Label.class, l -> l.getText().startsWith("Cannot write")) != null);
				Label written = RunningWorkbench.find(welcome, Label.class, l -> l.getText().startsWith("Written and opened: "));
				check(problems, written != null && written.getText().contains(llama.toString()) && written.getText().contains(sd.toString()),
						"the tiny Llama and the tiny SD 1.x are written and opened: " + RunningWorkbench.texts(welcome));

				Composite assistant = shown(window, "dev.atelier.llm.ui.part.assistant");
				check(problems, RunningWorkbench.find(assistant, Combo.class, c -> c.getText().equals(llama.toString())) != null, "the Assistant has it chosen");
				Text input = RunningWorkbench.find(assistant, Text.class, t -> "Enter sends; Shift+Enter starts a new line".equals(t.getToolTipText()));
				input.setText("Hello");
				Displays.click(button(assistant, "Send"));
				Displays.spinUntil(display, () -> RunningWorkbench.find(assistant, Label.class, l -> l.getText().matches("\\d+ tokens;.*")) != null
						|| RunningWorkbench.find(assistant, Label.class, l -> l.getText().contains("could not load")) != null);
				check(problems, RunningWorkbench.find(assistant, Label.class, l -> l.getText().matches("\\d+ tokens;.*")) != null,
						"the tiny model answers: " + RunningWorkbench.texts(assistant));

				Composite diffusion = shown(window, "dev.atelier.diffusion.ui.part.diffusion");
				check(problems, RunningWorkbench.find(diffusion, Combo.class, c -> c.getText().equals(sd.toString())) != null,
						"the Diffusion view generates with the tiny checkpoint: " + RunningWorkbench.texts(diffusion));
				RunningWorkbench.find(diffusion, Text.class, t -> "what to draw".equals(t.getMessage())).setText("a red fox");
				RunningWorkbench.find(diffusion, Spinner.class, t -> "Width".equals(t.getToolTipText())).setSelection(96);
				RunningWorkbench.find(diffusion, Spinner.class, t -> "Height".equals(t.getToolTipText())).setSelection(64);
				Combo device = RunningWorkbench.find(diffusion, Combo.class, c -> List.of(c.getItems()).contains("cpu"));
				device.select(device.indexOf("cpu"));
				Displays.click(button(diffusion, "Generate"));
				Displays.spinUntil(display, () -> RunningWorkbench.find(diffusion, Label.class, l -> l.getText().startsWith("Wrote ")
						|| l.getText().startsWith("Generation failed")) != null);
				Label wrote = RunningWorkbench.find(diffusion, Label.class, l -> l.getText().startsWith("Wrote 1 image(s) to "));
				check(problems, wrote != null, "the tiny checkpoint generates on the CPU: " + RunningWorkbench.texts(diffusion));
				if (wrote != null) {
					ImageData png = new ImageData(newestPng(Path.of(wrote.getText().replaceFirst("^Wrote 1 image\\(s\\) to (.*)\\.$", "$1"))).toString());
					check(problems, png.width == 96 && png.height == 64, "a 96×64 PNG is written: " + png.width + "×" + png.height);
				}
				// the preview scales the image up to fill its area, its shape kept
				Canvas preview = RunningWorkbench.find(diffusion, Canvas.class, c -> true);
				Displays.settle(display, Screenshots.SETTLE);
				Rectangle drawn = drawnBox(preview);
				// within 5 % of 3:2 (the box read back from pixels gains or loses a few columns where the random image meets
				// the background's colour): not the canvas's own shape, nor a square or 4:3
				check(problems, drawn.width >= 96 && drawn.height > 0 && Math.abs((double) drawn.width / drawn.height - 1.5) <= 0.075,
						"the preview shows the 3:2 image: " + drawn + " in a canvas of " + preview.getSize());
				Screenshots.save(preview, "welcome-tiny-sd-preview.png");
				Screenshots.save((Shell) window.getWidget(), "welcome-tiny-models.png");
			});
			assertEquals(List.of(), problems);
			assertTrue(Files.size(llama) > 100_000, "a whole GGUF");
		} finally {
			preferences.put(ModelsFolder.PREFERENCE, null);
			preferences.save();
		}
	}

	/** The part shown and active, and its widget. */
	private static Composite shown(MWindow window, String id) {
		window.getContext().get(EPartService.class).showPart(id, EPartService.PartState.ACTIVATE);
		return partWidget(window, id);
	}

	/** The newest PNG in a folder. */
	private static Path newestPng(Path folder) throws java.io.IOException {
		try (java.util.stream.Stream<Path> files = Files.list(folder)) {
			return files.filter(f -> f.toString().endsWith(".png")).max(java.util.Comparator.comparing(f -> f.toFile().lastModified())).orElseThrow();
		}
	}

	/**
	 * The box of a canvas's pixels that differ from its background (the colour of its client area's corner, which a
	 * centred image leaves free), as the canvas draws itself; in client coordinates.
	 */
	private static Rectangle drawnBox(Canvas canvas) {
		Point size = canvas.getSize();
		Image image = new Image(canvas.getDisplay(), size.x, size.y);
		try {
			GC gc = new GC(image);
			try {
				canvas.print(gc);
			} finally {
				gc.dispose();
			}
			ImageData data = image.getImageData();
			int inset = canvas.getBorderWidth();
			int background = data.getPixel(inset, inset);
			int left = size.x, top = size.y, right = -1, bottom = -1;
			for (int y = inset; y < size.y - inset; y++) {
				for (int x = inset; x < size.x - inset; x++) {
					if (data.getPixel(x, y) != background) {
						left = Math.min(left, x);
						right = Math.max(right, x);
						top = Math.min(top, y);
						bottom = Math.max(bottom, y);
					}
				}
			}
			return right < 0 ? new Rectangle(0, 0, 0, 0) : new Rectangle(left - inset, top - inset, right - left + 1, bottom - top + 1);
		} finally {
			image.dispose();
		}
	}

	/** The device service's description, which the page shows. */
	private static String devicesFact() throws Exception {
		Services.await(WelcomePageTest.class, InfoContributor.class);
		BundleContext context = FrameworkUtil.getBundle(WelcomePageTest.class).getBundleContext();
		for (ServiceReference<InfoContributor> reference : context.getServiceReferences(InfoContributor.class, null)) {
			String devices = context.getService(reference).facts().get("devices");
			if (devices != null) {
				return devices;
			}
		}
		throw new AssertionError("no device service describes the devices");
	}

	private static void check(List<String> problems, boolean ok, String what) {
		if (!ok) {
			problems.add(what);
		}
	}

	private static Composite welcome(MWindow window) {
		EPartService parts = window.getContext().get(EPartService.class);
		parts.showPart("dev.atelier.ui.part.welcome", EPartService.PartState.ACTIVATE);
		return partWidget(window, "dev.atelier.ui.part.welcome");
	}

	private static Composite partWidget(MWindow window, String id) {
		MPart part = (MPart) window.getContext().get(EModelService.class).find(id, window);
		assertNotNull(part, id);
		return (Composite) part.getWidget();
	}

	/** The view's model list once it lists this folder (its tooltip says what it listed where). */
	private static Combo listing(MWindow window, String view, String listed) {
		Composite widget = partWidget(window, view);
		Displays.spinUntil(widget.getDisplay(), () -> RunningWorkbench.find(widget, Combo.class, c -> c.getToolTipText() != null
				&& c.getToolTipText().endsWith(listed)) != null);
		return RunningWorkbench.find(widget, Combo.class, c -> c.getToolTipText() != null && c.getToolTipText().endsWith(listed));
	}

	private static String active(MWindow window) {
		MPart part = window.getContext().get(EPartService.class).getActivePart();
		return part == null ? "none" : part.getElementId();
	}

	private static Button button(Composite parent, String text) {
		Button button = RunningWorkbench.find(parent, Button.class, b -> b.getText().equals(text));
		assertNotNull(button, text);
		return button;
	}
}
