package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.atelier.core.Preferences;
import dev.atelier.testing.Services;
import dev.atelier.ui.internal.RecentFiles;
import dev.atelier.ui.internal.handlers.OpenHandler;

/** File ▸ Open and File ▸ Recent Files in the running workbench. */
class OpenFilesTest {

	@Test
	void openHandsAModelToTheAssistantRecentFilesListsItAndAnUnknownKindIsNamed() throws Exception {
		String data = System.getenv("ATELIER_TESTDATA");
		Assumptions.assumeTrue(data != null && !data.isBlank(), "ATELIER_TESTDATA is not set: no model to open");
		Path model = Path.of(data).resolve("llm/gguf-vocab/ggml-vocab-gpt-2.gguf");
		Path notes = Path.of(data).resolve("llm/stories260K-greedy-bos-first32.txt");
		Preferences preferences = Services.await(OpenFilesTest.class, Preferences.class);
		List<String> recentItems = new ArrayList<>();
		List<String> refusal = new ArrayList<>();
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			RunningWorkbench.execute(window, OpenHandler.COMMAND, Map.of(OpenHandler.FILE, model.toString()));
			MPart active = window.getContext().get(EPartService.class).getActivePart();
			assertEquals("Assistant", active.getLabel(), "a GGUF file goes to the Assistant");
			assertTrue(RunningWorkbench.texts((Composite) active.getWidget()).contains(model.toString()), "its model field holds the file");
			assertEquals(model, RecentFiles.list(preferences).get(0), "the newest recent file");

			Menu file = item(((Shell) window.getWidget()).getMenuBar(), "File").getMenu();
			file.notifyListeners(SWT.Show, null);
			Menu recent = item(file, "Recent Files").getMenu();
			recent.notifyListeners(SWT.Show, null);
			for (MenuItem i : recent.getItems()) {
				recentItems.add(i.getText());
			}

			Display display = Display.getCurrent();
			display.asyncExec(() -> {
				Shell error = RunningWorkbench.shellTitled(display, "Open");
				refusal.addAll(RunningWorkbench.texts(error));
				error.close();
			});
			RunningWorkbench.execute(window, OpenHandler.COMMAND, Map.of(OpenHandler.FILE, notes.toString()));
		});
		assertTrue(recentItems.stream().anyMatch(t -> t.contains("ggml-vocab-gpt-2.gguf")), "File ▸ Recent Files: " + recentItems);
		assertTrue(refusal.stream().anyMatch(t -> t.startsWith("No view opens .txt files: " + notes)), "the refusal names the file: " + refusal);
	}

	private static MenuItem item(Menu menu, String text) {
		for (MenuItem item : menu.getItems()) {
			if (item.getText().replace("&", "").startsWith(text)) {
				return item;
			}
		}
		throw new AssertionError("no menu item " + text);
	}
}
