package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MTrimBar;
import org.eclipse.e4.ui.model.application.ui.basic.MTrimmedWindow;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.model.application.ui.menu.MToolControl;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import dev.atelier.core.ModelsFolder;
import dev.atelier.core.Preferences;
import dev.atelier.testing.Services;
import dev.atelier.testing.TestEnvironment;
import dev.atelier.testing.ui.Displays;

/**
 * The local server started inside the running workbench: its command starts it on the port of the preferences, the
 * status line shows the address, an outside client's chat is answered and shows in the Jobs view (one job service),
 * and the command stops it again.
 */
class LocalServerInTheIdeTest {

	private static final String TOGGLE = "dev.atelier.server.ui.command.toggle";
	private static final String STATUS = "dev.atelier.server.ui.status";
	private static final String PORT = "server.port";

	@TempDir
	Path dir;

	@Test
	void theToggleStartsTheServerTheStatusLineShowsItsAddressAClientsChatIsInTheJobsViewAndTheToggleStopsIt() throws Exception {
		String data = System.getenv("ATELIER_TESTDATA");
		Assumptions.assumeTrue(data != null && !data.isBlank(), "ATELIER_TESTDATA is not set: no vocabulary to make a model of");
		Path models = dir.resolve("models");
		synth(Path.of(data, "llm/gguf-vocab/ggml-vocab-llama-spm.gguf"), Files.createDirectories(models.resolve("llm")).resolve("tiny.gguf"));
		Preferences preferences = Services.await(LocalServerInTheIdeTest.class, Preferences.class);
		String folderBefore = preferences.get(ModelsFolder.PREFERENCE, "");
		String portBefore = preferences.get(PORT, "");
		preferences.put(ModelsFolder.PREFERENCE, models.toString());
		preferences.put(PORT, "0");
		// the server reads the models folder from the workspace's preferences file, as the CLI does
		preferences.save();
		String[] shown = new String[2];
		try (HttpClient http = HttpClient.newHttpClient()) {
			RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
				Display display = Display.getCurrent();
				Composite control = statusControl(window);
				Label state = RunningWorkbench.find(control, Label.class, l -> l.getText().startsWith("Server"));
				assertNotNull(state, "the status line shows the server: " + RunningWorkbench.texts(control));
				assertEquals("Server off", state.getText());

				RunningWorkbench.execute(window, TOGGLE, Map.of());
				// the start's failure, if any, is in the control beside the state
				Displays.spinUntil(display, () -> state.getText().startsWith("Server: http://") || RunningWorkbench.texts(control).size() > 1
						&& !RunningWorkbench.texts(control).getLast().isEmpty());
				shown[0] = state.getText();
				assertTrue(shown[0].startsWith("Server: http://"), "the status line: " + RunningWorkbench.texts(control));
				URI address = URI.create(state.getText().substring("Server: ".length()));
				CompletableFuture<HttpResponse<String>> chat = http.sendAsync(HttpRequest.newBuilder(address.resolve("/v1/chat/completions"))
						.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"tiny\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
						.header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
				Table history = RunningWorkbench.find(partWidget(window, "dev.atelier.ui.part.jobs"), Table.class,
						t -> "Double-click opens the first output".equals(t.getToolTipText()));
				Displays.spinUntil(display, chat::isDone);
				assertEquals(200, chat.join().statusCode(), "the chat was answered: " + chat.join().body());
				Displays.spinUntil(display, () -> List.of(history.getItems()).stream().anyMatch(i -> i.getText(0).equals("serve chat tiny")));

				RunningWorkbench.execute(window, TOGGLE, Map.of());
				Displays.spinUntil(display, () -> state.getText().equals("Server off"));
				shown[1] = address.toString();
			});
		} finally {
			preferences.put(ModelsFolder.PREFERENCE, folderBefore);
			preferences.put(PORT, portBefore);
			preferences.save();
		}
		assertTrue(shown[0].matches("Server: http://127\\.0\\.0\\.1:\\d+/"), shown[0]);
		try (HttpClient http = HttpClient.newHttpClient()) {
			assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(URI.create(shown[1]).resolve("/api/version")).build(),
					HttpResponse.BodyHandlers.ofString()), "stopped: the port no longer answers");
		}
	}

	/** The status line's server control, a tool control of the bottom trim bar. */
	private static Composite statusControl(MWindow window) {
		for (MTrimBar bar : ((MTrimmedWindow) window).getTrimBars()) {
			for (var element : bar.getChildren()) {
				if (element instanceof MToolControl tool && STATUS.equals(tool.getElementId())) {
					return (Composite) tool.getWidget();
				}
			}
		}
		throw new AssertionError("no " + STATUS + " in the trim bars");
	}

	private static Composite partWidget(MWindow window, String id) {
		MPart part = (MPart) window.getContext().get(EModelService.class).find(id, window);
		assertNotNull(part, id);
		window.getContext().get(EPartService.class).showPart(part, EPartService.PartState.VISIBLE);
		return (Composite) part.getWidget();
	}

	/** {@code atelier llm synth --shape tiny --type q8_0 --vocab VOCAB --out MODEL}, through the llm bundle's subcommand. */
	private void synth(Path vocab, Path model) throws Exception {
		Services.await(LocalServerInTheIdeTest.class, Subcommand.class);
		BundleContext context = FrameworkUtil.getBundle(LocalServerInTheIdeTest.class).getBundleContext();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		CommandContext ctx = CommandContext.of(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8), TestEnvironment.at(dir));
		List<Subcommand> all = context.getServiceReferences(Subcommand.class, null).stream().map(context::getService).toList();
		int exit = Cli.run(all, ctx, List.of("llm", "synth", "--shape", "tiny", "--type", "q8_0", "--vocab", vocab.toString(), "--out", model.toString()));
		assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
	}
}
