package dev.atelier.llm.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.eclipse.e4.ui.model.application.ui.basic.MBasicFactory;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;

import dev.atelier.core.jobs.JobService;
import dev.atelier.llm.LlmService;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.ModelFragment;

/** Send and Stop as commands of the Assistant's part: in the model with their toolbar items, enabled as they should be. */
class CommandsTest {

	private static final String PART = "dev.atelier.llm.ui.part.assistant";
	private static final String SEND = "dev.atelier.llm.ui.command.send";
	private static final String STOP = "dev.atelier.ui.command.stop";

	@Test
	void sendAndStopAreHandledInTheAssistantsPartAndShownInItsToolbar() throws Exception {
		ModelFragment fragment = ModelFragment.of(AssistantPart.class);
		assertEquals(SendHandler.class, fragment.handlerClass(fragment.handler(SEND, PART).orElseThrow()));
		assertEquals(StopHandler.class, fragment.handlerClass(fragment.handler(STOP, PART).orElseThrow()));
		assertTrue(fragment.command(STOP).orElseThrow().imported(), "Stop (Esc) is the workbench's");
		assertEquals(Optional.of("M1+ENTER"), fragment.keySequence(SEND));
		assertEquals(List.of(SEND, STOP), fragment.items().stream().map(ModelFragment.Item::command).toList());
	}

	@Test
	void sendNeedsAQuestionAndStopARunningAnswer() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		AssistantPart view = new AssistantPart(Services.await(CommandsTest.class, JobService.class), new DisplaySynchronize(display));
		MPart part = MBasicFactory.INSTANCE.createPart();
		try {
			view.llm(Services.await(CommandsTest.class, LlmService.class));
			view.create(shell);
			part.setObject(view);
			SendHandler send = new SendHandler();
			StopHandler stop = new StopHandler();
			assertFalse(send.canExecute(null) || stop.canExecute(null), "no active part, nothing to do");
			assertFalse(send.canExecute(part), "no question");
			view.input.setText("hi");
			assertTrue(send.canExecute(part));
			assertFalse(stop.canExecute(part), "nothing runs");
			view.location.setText("/nonexistent/model.gguf");
			send.execute(part);
			assertTrue(stop.canExecute(part) || view.footer.getText().contains("/nonexistent"), "opening the model, or already failed");
			dev.atelier.testing.ui.Displays.spinUntil(display, () -> !stop.canExecute(part));
			assertTrue(view.footer.getText().contains("/nonexistent/model.gguf"), view.footer.getText());
		} finally {
			view.close();
			shell.dispose();
		}
	}
}
