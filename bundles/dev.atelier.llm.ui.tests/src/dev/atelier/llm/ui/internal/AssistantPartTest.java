package dev.atelier.llm.ui.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.StyleRange;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.ModelsFolder;
import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.llm.ChatMessage;
import dev.atelier.llm.ChatModel;
import dev.atelier.llm.LlmService;
import dev.atelier.llm.ModelInfo;
import dev.atelier.llm.LocalModel;
import dev.atelier.llm.Sampling;
import dev.atelier.llm.Usage;
import dev.atelier.testing.MemoryPreferences;
import dev.atelier.testing.Services;
import dev.atelier.testing.TestEnvironment;
import dev.atelier.testing.devices.FakeDeviceService;
import dev.atelier.testing.devices.TestDevices;
import dev.atelier.testing.ui.DisplaySynchronize;
import dev.atelier.testing.ui.Displays;
import dev.atelier.testing.ui.JobThreads;
import dev.atelier.testing.ui.Screenshots;

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
	void everySettingLabelSitsWholeBesideItsOwnValueAtAnyWidth() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		AssistantPart part = new AssistantPart(jobs(), new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			for (int width : new int[] { 520, 900, 1366 }) {
				shell.setSize(width, 600);
				shell.layout(true, true);
				Displays.settle(display, Screenshots.SETTLE);
				List<String> labels = new ArrayList<>();
				for (Control pair : part.options.getChildren()) {
					Control[] children = ((Composite) pair).getChildren();
					assertEquals(2, children.length, "one value per label: " + List.of(children));
					Label label = (Label) children[0];
					Rectangle value = children[1].getBounds();
					Rectangle text = label.getBounds();
					labels.add(label.getText());
					assertTrue(text.width >= label.computeSize(SWT.DEFAULT, SWT.DEFAULT).x, label.getText() + " is shown whole at " + width);
					assertTrue(value.x >= text.x + text.width && value.y < text.y + text.height && text.y < value.y + value.height,
							label.getText() + " " + text + " has its value " + value + " beside it at " + width);
					assertTrue(pair.getBounds().x + pair.getBounds().width <= part.options.getClientArea().width,
							label.getText() + " fits the view's width " + width);
				}
				assertTrue(labels.containsAll(List.of("Temperature", "Repetition penalty", "Top-p", "Seed")), labels.toString());
			}
			Screenshots.save(shell, "assistant-settings-narrow.png");
		} finally {
			shell.dispose();
		}
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
			String transcript = part.transcript.getText();
			assertTrue(transcript.endsWith("You: Write a line of Java\n\nslow: Here:\nint x = 1;\nDone."), "the answer's markdown rendered: " + transcript);
			StyleRange you = part.transcript.getStyleRangeAtOffset(transcript.indexOf("You:"));
			StyleRange slow = part.transcript.getStyleRangeAtOffset(transcript.indexOf("slow:"));
			assertTrue(you != null && (you.fontStyle & SWT.BOLD) != 0 && slow != null && (slow.fontStyle & SWT.BOLD) != 0, "the roles in bold");
			StyleRange code = part.transcript.getStyleRangeAtOffset(transcript.indexOf("int x"));
			assertTrue(code != null && code.font != null && code.font.getFontData()[0].getName().toLowerCase(java.util.Locale.ROOT).contains("mono")
					&& code.background != null && !code.background.equals(part.transcript.getBackground()), "the code block in a monospaced face on its own ground");
			assertEquals(null, part.transcript.getStyleRangeAtOffset(transcript.indexOf("Done.")), "plain text stays plain");
			assertEquals("5 tokens; first after 12 ms; 33.3 tokens/s; J/token n/a", part.footer.getText(), "no energy reading: n/a, no number");
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
		part.llm(Services.await(AssistantPartTest.class, LlmService.class));
		part.create(shell);
		try {
			part.input.setText("hi");
			part.send();
			assertEquals("Choose a model: a GGUF file, or a server's OpenAI base URL.", part.footer.getText());
			String missing = dir.resolve("model.gguf").toString();
			part.location.setText(missing);
			try (JobThreads threads = JobThreads.watch(jobs(), display)) {
				part.send();
				assertTrue(part.canStop() && !part.send.getEnabled(), "the model loads in a job, off the UI thread");
				Displays.spinUntil(display, () -> part.footer.getText().contains(missing));
				assertEquals(Boolean.FALSE, threads.started().get("Load model.gguf"), "the load ran, not on the UI thread: " + threads.started());
			}
			assertEquals("model.gguf: could not load model.gguf: no such file: " + missing, part.modelStatus.getText());
			assertTrue(part.send.getEnabled() && !part.canStop());

			part.input.setText("hi again");
			part.use(new SlowModel(java.util.Collections.nCopies(500, "word ")));
			part.send();
			// stopped once something was generated (stopped before the first token it says "No answer.")
			Displays.spinUntil(display, () -> part.transcript.getText().contains("word"));
			Displays.click(part.stop);
			Displays.spinUntil(display, () -> part.send.getEnabled());
			assertTrue(part.footer.getText().matches("Stopped: \\d+ tokens.*"), "the figures of what was generated stay: " + part.footer.getText());
			assertTrue(part.transcript.getText().split("word").length < 400, "stopped well before the 500 words");
		} finally {
			shell.dispose();
		}
	}

	@Test
	void enterSendsShiftEnterIsANewLineStopKeepsTheFiguresAndARefusedServerIsSaid() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		shell.setSize(700, 600);
		AssistantPart part = new AssistantPart(jobs(), new DisplaySynchronize(display));
		part.create(shell);
		shell.open();
		try {
			SlowModel model = new SlowModel(java.util.Collections.nCopies(500, "word "));
			part.use(model);
			part.input.setText("first line");
			org.eclipse.swt.widgets.Event shiftEnter = new org.eclipse.swt.widgets.Event();
			shiftEnter.keyCode = org.eclipse.swt.SWT.CR;
			shiftEnter.character = org.eclipse.swt.SWT.CR;
			shiftEnter.stateMask = org.eclipse.swt.SWT.SHIFT;
			part.input.notifyListeners(org.eclipse.swt.SWT.KeyDown, shiftEnter);
			assertTrue(shiftEnter.doit, "Shift+Enter is left to the field: a new line");
			assertTrue(!part.canStop(), "and sends nothing");

			org.eclipse.swt.widgets.Event enter = new org.eclipse.swt.widgets.Event();
			enter.keyCode = org.eclipse.swt.SWT.CR;
			enter.character = org.eclipse.swt.SWT.CR;
			part.input.notifyListeners(org.eclipse.swt.SWT.KeyDown, enter);
			assertTrue(!enter.doit, "Enter inserts no line");
			assertTrue(part.canStop(), "Enter sent the question");
			Displays.spinUntil(display, () -> part.transcript.getText().contains("word word"));
			Displays.click(part.stop);
			Displays.spinUntil(display, () -> part.send.getEnabled());
			assertTrue(part.footer.getText().matches("Stopped: \\d+ tokens; first after 12 ms; 33.3 tokens/s; J/token n/a"), part.footer.getText());

			int port;
			try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
				port = free.getLocalPort();
			}
			part.source.select(1);
			part.location.setText("http://127.0.0.1:" + port + "/v1");
			part.input.setText("anyone there?");
			part.send();
			Displays.spinUntil(display, () -> part.send.getEnabled() && part.footer.getText().contains("refused"), java.time.Duration.ofSeconds(60));
			assertEquals("cannot connect to http://127.0.0.1:" + port + "/v1: the connection was refused (is the server running?)", part.footer.getText());
		} finally {
			shell.dispose();
		}
	}

	/**
	 * A local model whose answer first loads it: it says it is half loaded and waits for the test, then says it is
	 * loaded and answers with the usage it was given.
	 */
	private static final class LoadingModel implements LocalModel {
		final CountDownLatch halfLoaded = new CountDownLatch(1);
		final List<Consumer<Status>> listeners = new CopyOnWriteArrayList<>();
		final Usage usage;

		LoadingModel(Usage usage) {
			this.usage = usage;
		}

		@Override
		public String name() {
			return "tiny.gguf";
		}

		@Override
		public Usage chat(List<ChatMessage> messages, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled) {
			listeners.forEach(l -> l.accept(new Status(State.LOADING, "cpu", 100, 0.5, "reading the weights: 50 %")));
			try {
				halfLoaded.await();
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			listeners.forEach(l -> l.accept(new Status(State.LOADED, "cpu", 100, 1, "loaded on cpu")));
			tokens.accept("Hello");
			tokens.accept(".");
			return usage;
		}

		@Override
		public Usage complete(String prompt, Sampling sampling, int maxTokens, Consumer<String> tokens, BooleanSupplier cancelled) {
			throw new UnsupportedOperationException("the Assistant only chats");
		}

		@Override
		public Optional<JobHandle<?>> load() {
			return Optional.empty();
		}

		@Override
		public Status status() {
			return new Status(State.UNLOADED, "", 0, Double.NaN, "not loaded yet");
		}

		@Override
		public void addListener(Consumer<Status> listener) {
			listeners.add(listener);
		}

		@Override
		public void removeListener(Consumer<Status> listener) {
			listeners.remove(listener);
		}

		@Override
		public void close() {
		}
	}

	@Test
	void aLocalModelRunsOnTheChosenDeviceShowingItsLoadProgressTokensPerSecondAndJoulesPerToken() throws Exception {
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		AssistantPart part = new AssistantPart(jobs(), new DisplaySynchronize(display));
		List<String> asked = new CopyOnWriteArrayList<>();
		LoadingModel measured = new LoadingModel(new Usage(3, 2, 10, 20.0, 3.0));
		part.llm(new LlmService() {
			@Override
			public LocalModel model(Path file, Path tokenizer, String template, String deviceId, int context) {
				asked.add(file.getFileName() + " " + tokenizer + " " + template + " " + deviceId + " " + context);
				return measured;
			}

			@Override
			public LocalModel model(Path file, String template, String deviceId, int context, Duration keepAlive) {
				throw new UnsupportedOperationException("the Assistant keeps models for the preference's keep-alive");
			}

			@Override
			public LocalModel model(Path file, String template, String deviceId, int context, int sequences, Duration keepAlive) {
				throw new UnsupportedOperationException("the Assistant answers one chat at a time");
			}

			@Override
			public ModelInfo describe(Path file) {
				throw new UnsupportedOperationException("the Assistant reads no model's header");
			}
		});
		part.devices(FakeDeviceService.of(TestDevices.cuda(0), TestDevices.cpu()));
		part.create(shell);
		shell.setSize(900, 600);
		shell.open();
		try {
			assertEquals(List.of("auto", "cuda:0 (GPU cuda:0)", "cpu (CPU)"), List.of(part.device.getItems()));
			assertEquals("auto", part.deviceId(), "the device service's pick by default");
			part.device.select(2);
			part.location.setText("/models/tiny.gguf");
			part.input.setText("Hi");
			part.send();
			Displays.spinUntil(display, () -> part.loadProgress.getVisible());
			assertEquals(500, part.loadProgress.getSelection());
			assertEquals("tiny.gguf: reading the weights: 50 %", part.modelStatus.getText());
			Screenshots.save(shell, "assistant-loading.png");
			measured.halfLoaded.countDown();
			Displays.spinUntil(display, () -> part.footer.getText().startsWith("2 tokens"));
			assertEquals("2 tokens; first after 10 ms; 20.0 tokens/s; 1.50 J/token", part.footer.getText());
			assertEquals("tiny.gguf: loaded on cpu", part.modelStatus.getText());
			assertFalse(part.loadProgress.getVisible(), "no progress once loaded");
			assertEquals(List.of("tiny.gguf null null cpu " + AssistantPart.CONTEXT), asked, "the chosen device, the model's own template, no tokenizer chosen");

			part.input.setText("Again");
			part.send();
			Displays.spinUntil(display, () -> part.footer.getText().startsWith("2 tokens") && part.send.getEnabled());
			assertEquals(1, asked.size(), "the same settings keep the model");
		} finally {
			shell.dispose();
		}
	}

	@Test
	void theModelListOffersTheGgufFilesOfTheModelsFolderThePreferenceNamesAndNoneForAServer(@TempDir Path dir) throws Exception {
		Path workspace = dir.resolve("workspace");
		Path byDefault = gguf(workspace.resolve("models/llm/tiny.gguf"));
		MemoryPreferences prefs = new MemoryPreferences();
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		AssistantPart part = new AssistantPart(jobs(), new DisplaySynchronize(display));
		part.environment(TestEnvironment.at(workspace));
		part.preferences(prefs);
		part.create(shell);
		try {
			Displays.spinUntil(display, () -> part.location.getItemCount() == 1);
			assertEquals(List.of(byDefault.toString()), List.of(part.location.getItems()), "<workspace>/models/llm by default");
			assertEquals(byDefault.toString(), part.location.getText(), "the first model is chosen while none is");

			Path chosen = dir.resolve("models elsewhere");
			Path qwen = gguf(chosen.resolve("llm/qwen.gguf"));
			Path llama = gguf(chosen.resolve("llm/llama.gguf"));
			gguf(chosen.resolve("llm/readme.txt"));
			prefs.put(ModelsFolder.PREFERENCE, chosen.toString());
			part.location.notifyListeners(SWT.FocusIn, new Event());
			Displays.spinUntil(display, () -> part.location.getItemCount() == 2);
			assertEquals(List.of(llama.toString(), qwen.toString()), List.of(part.location.getItems()));

			part.source.select(1);
			part.source.notifyListeners(SWT.Selection, new Event());
			Displays.spinUntil(display, () -> part.location.getItemCount() == 0);
			assertEquals(byDefault.toString(), part.location.getText(), "the text stays for the user to replace with a URL");
		} finally {
			shell.dispose();
		}
	}

	/**
	 * llama2.c's stories260K.bin chats with a tokenizer of its 512-token vocabulary chosen from another folder (none
	 * beside it); the choice is kept with the model and comes back with it; Llama 2's 32,000-token tokenizer.bin and a
	 * missing file are refused naming the file.
	 */
	@Test
	void aLlama2cCheckpointChatsWithATokenizerChosenFromElsewhereKeptWithTheModelAndABadOneIsRefusedNamed(@TempDir Path dir) throws Exception {
		String data = System.getenv("ATELIER_TESTDATA");
		org.junit.jupiter.api.Assumptions.assumeTrue(data != null && !data.isBlank(), "ATELIER_TESTDATA is not set: no llama2.c checkpoint");
		Path checkpoint = Files.copy(Path.of(data, "llm/stories260K.bin"), Files.createDirectories(dir.resolve("models")).resolve("stories260K.bin"));
		Path ownVocabulary = llama2cTokenizer(Files.createDirectories(dir.resolve("tokenizers")).resolve("tok512.bin"), 512);
		Path llama2 = Path.of(data, "llm/tokenizer.bin");
		MemoryPreferences prefs = new MemoryPreferences();
		Display display = Display.getDefault();
		Shell shell = new Shell(display);
		shell.setLayout(new FillLayout());
		AssistantPart part = new AssistantPart(jobs(), new DisplaySynchronize(display));
		part.llm(Services.await(AssistantPartTest.class, LlmService.class));
		part.preferences(prefs);
		part.create(shell);
		shell.setSize(1100, 700);
		shell.open();
		try {
			part.location.setText(checkpoint.toString());
			part.maxTokens.setSelection(8);
			part.tokenizer.setText(llama2.toString());
			part.input.setText("Once upon a time");
			part.send();
			Displays.spinUntil(display, () -> part.send.getEnabled() && part.modelStatus.getText().contains("could not load"));
			assertTrue(part.modelStatus.getText().contains(llama2 + " is not llama2.c's tokenizer of stories260K.bin's 512-token vocabulary: holds more than"
					+ " the model's 512 tokens"), part.modelStatus.getText());
			assertEquals("", prefs.get(AssistantPart.TOKENIZER_PREFERENCE + checkpoint, ""), "a refused tokenizer is not kept");

			Path missing = dir.resolve("nowhere/tok512.bin");
			part.tokenizer.setText(missing.toString());
			part.input.setText("Once upon a time");
			part.send();
			assertEquals("No such tokenizer file: " + missing, part.footer.getText());

			part.tokenizer.setText(ownVocabulary.toString());
			part.input.setText("Once upon a time");
			part.send();
			Displays.spinUntil(display, () -> part.send.getEnabled() && part.footer.getText().matches("\\d+ tokens.*"));
			assertTrue(part.modelStatus.getText().startsWith("stories260K.bin: loaded"), part.modelStatus.getText());
			assertTrue(part.transcript.getText().length() > "Once upon a time".length(), "an answer: " + part.transcript.getText());
			Screenshots.save(shell, "assistant-tokenizer.png");
			assertEquals(ownVocabulary.toString(), prefs.get(AssistantPart.TOKENIZER_PREFERENCE + checkpoint, ""), "kept with the model");

			part.location.setText(dir.resolve("models/other.gguf").toString());
			assertEquals("", part.tokenizer.getText(), "another model does not take it");
			part.location.setText(checkpoint.toString());
			assertEquals(ownVocabulary.toString(), part.tokenizer.getText(), "choosing the checkpoint again brings its tokenizer back");
		} finally {
			shell.dispose();
		}
	}

	/**
	 * A llama2.c tokenizer.bin of {@code size} tokens, laid out as llama2.c's export writes it: unknown, BOS, EOS, the
	 * 256 byte tokens, then pieces of the test's own.
	 */
	private static Path llama2cTokenizer(Path file, int size) throws IOException {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(8);
		bytes.write(header.array());
		for (int i = 0; i < size; i++) {
			String piece = i == 0 ? "<unk>" : i == 1 ? "<s>" : i == 2 ? "</s>" : i < 259 ? String.format("<0x%02X>", i - 3) : "w" + i;
			byte[] text = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
			bytes.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(-i).putInt(text.length).array());
			bytes.write(text);
		}
		return Files.write(file, bytes.toByteArray());
	}

	private static Path gguf(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		return Files.writeString(file, "GGUF");
	}
}
