package dev.atelier.diffusion.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.eclipse.e4.ui.model.application.ui.basic.MBasicFactory;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.outputs.ui.OutputsUi;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.ModelFragment;

/** The view's actions as commands of the application model: handlers, their enablement, key bindings, tool items. */
class CommandsTest {

	private static final String STOP = "dev.atelier.ui.command.stop";

	@TempDir
	Path dir;

	@Test
	void generateIsCtrlEnterAndStopIsHandledInTheDiffusionPartWithBothInItsToolbar() throws Exception {
		ModelFragment fragment = ModelFragment.of(DiffusionPart.class);
		assertEquals(Optional.of("M1+ENTER"), fragment.keySequence(DiffusionUi.GENERATE));
		assertEquals("dev.atelier.ui.bindings.window", fragment.keyBindings().get(0).table());
		assertTrue(fragment.command(STOP).orElseThrow().imported(), "Stop (Esc) is the workbench's, handled here");
		assertEquals(GenerateHandler.class, fragment.handlerClass(fragment.handler(DiffusionUi.GENERATE, DiffusionUi.DIFFUSION_PART).orElseThrow()));
		assertEquals(CancelHandler.class, fragment.handlerClass(fragment.handler(STOP, DiffusionUi.DIFFUSION_PART).orElseThrow()));
		assertEquals(ReuseParametersHandler.class, fragment.handlerClass(fragment.handler(OutputsUi.REUSE, null).orElseThrow()),
				"Reuse parameters is handled for the whole application, where the Gallery executes it");
		assertEquals(List.of(DiffusionUi.GENERATE, STOP),
				fragment.items().stream().filter(i -> DiffusionUi.DIFFUSION_PART.equals(i.part())).map(ModelFragment.Item::command).toList());
	}

	@Test
	void generateAndStopAreEnabledWhenTheFormIsValidAndWhileAJobOfTheViewIsQueued() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		Fakes.Diffusion diffusion = new Fakes.Diffusion(Fakes.jobs(), dir.resolve("outputs"));
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		diffusion.script = (context, request, listener) -> {
			release.await();
			return List.of();
		};
		DiffusionPart view = new DiffusionPart(diffusion, diffusion.jobs, new DisplaySynchronize(display));
		MPart part = MBasicFactory.INSTANCE.createPart();
		try {
			view.create(shell);
			part.setObject(view);
			GenerateHandler generate = new GenerateHandler();
			CancelHandler cancel = new CancelHandler();
			assertFalse(generate.canExecute(null) || cancel.canExecute(null), "no active part, nothing to do");

			view.form.prompt.setText("a lighthouse");
			view.form.model.setText(Files.createDirectories(dir.resolve("model")).toString());
			assertTrue(generate.canExecute(part));
			assertFalse(cancel.canExecute(part), "nothing of this view runs");
			view.form.seed.setText("not a number");
			assertFalse(generate.canExecute(part), "an invalid form cannot be generated from");
			view.form.seed.setText("7");

			generate.execute(part);
			// the view queues the job off the UI thread, then follows it on it
			dev.atelier.testing.ui.Displays.spinUntil(display, () -> cancel.canExecute(part));
			assertEquals(1, diffusion.requests.size(), "Generate queued the form's request");
			cancel.execute(part);
			release.countDown();
			dev.atelier.testing.ui.Displays.spinUntil(display, () -> !cancel.canExecute(part));
		} finally {
			release.countDown();
			view.close();
			shell.dispose();
		}
	}
}
