package dev.atelier.llm.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.jobs.JobService;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.ChatModel;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;

/** The Assistant view with the real job service and a model that streams a canned answer slowly. */
class AssistantPartTest {

	/** Streams its pieces 30 ms apart, stopping when cancelled; remembers the conversations it was given. */
	private static final class SlowModel implements ChatModel {
		final List<String> pieces;
		List<ChatMessage> lastConversation;

		SlowModel(List<String> pieces) {
			this.pieces = pieces;
		}

		@Override
		public String name() {
			return "slow";
		}

		@Override
		public Usage chat(List<ChatMessage> messages, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled) {
			lastConversation = messages;
			int sent = 0;
			for (String piece : pieces) {
				if (cancelled.getAsBoolean()) {
					break;
				}
				tokens.accept(piece);
				sent++;
				try {
					Thread.sleep(30);
				} catch (InterruptedException e) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			return new Usage(messages.size(), sent, 12, 33.3);
		}
	}

	private static JobService jobs() throws InterruptedException {
		return Services.await(AssistantPartTest.class, JobService.class);
	}

	@Test
	void answersStreamIntoTheTranscriptAndCodeBlocksCanBeCopied() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(700, 600);
		AssistantPart part = new AssistantPart(jobs(), new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			SlowModel model = new SlowModel(List.of("Here:\n", "```java\n", "int x = 1;\n", "```\n", "Done."));
			part.use(model);
			part.input.setText("Write a line of Java");
			part.send();
			assertTrue(part.stop.getEnabled() && !part.send.getEnabled());
			Displays.spinUntil(display, () -> part.footer.getText().startsWith("5 tokens"));
			assertTrue(part.transcript.getText().endsWith("You: Write a line of Java\n\nslow: Here:\n```java\nint x = 1;\n```\nDone."),
					part.transcript.getText());
			assertEquals("5 tokens; first after 12 ms; 33.3 tokens/s", part.footer.getText());
			assertEquals("int x = 1;\n", AssistantPart.codeBlocks("Here:\n```java\nint x = 1;\n```\nDone."));
			part.copyCode();
			assertEquals("Copied 1 lines of code.", part.footer.getText());

			part.input.setText("And another?");
			part.send();
			Displays.spinUntil(display, () -> part.footer.getText().startsWith("5 tokens"));
			assertEquals(List.of("user", "assistant", "user"), model.lastConversation.stream().map(ChatMessage::role).toList(),
					"the conversation so far goes with each question");
			part.topK.setSelection(20);
			part.repeat.setSelection(110);
			part.seed.setSelection(7);
			assertEquals(new Sampling(0.7, 20, 0.95, 0.05, 1.1, 7), part.sampling());
			part.temperature.setSelection(0);
			assertEquals(Sampling.greedy(), part.sampling());
		} finally {
			shell.dispose();
		}
	}

	@Test
	void stopCancelsAStreamingAnswerAndMissingModelsAreExplained(@TempDir Path dir) throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		AssistantPart part = new AssistantPart(jobs(), new DisplaySynchronize(display));
		part.create(shell);
		try {
			part.input.setText("hi");
			part.send();
			assertEquals("Choose a model: a GGUF file, or a server's OpenAI base URL.", part.footer.getText());
			String missing = dir.resolve("model.gguf").toString();
			part.location.setText(missing);
			part.send();
			assertTrue(part.canStop() && !part.send.getEnabled(), "the model opens in a job, off the UI thread");
			Displays.spinUntil(display, () -> part.footer.getText().contains(missing));
			assertTrue(part.send.getEnabled() && !part.canStop());

			part.use(new SlowModel(java.util.Collections.nCopies(500, "word ")));
			part.send();
			Displays.click(part.stop);
			Displays.spinUntil(display, () -> part.send.getEnabled());
			assertTrue(part.footer.getText().equals("Stopped.") || part.footer.getText().matches("\\d+ tokens.*"), part.footer.getText());
			assertTrue(part.transcript.getText().split("word").length < 400, "stopped well before the 500 words");
		} finally {
			shell.dispose();
		}
	}
}
