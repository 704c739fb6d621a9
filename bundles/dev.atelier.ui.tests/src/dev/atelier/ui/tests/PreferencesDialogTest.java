package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.preference.IPreferenceNode;
import org.eclipse.jface.preference.PreferenceDialog;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;

import dev.atelier.core.Preferences;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Displays;

/** Window ▸ Preferences in the running workbench: the pages the bundles contribute, editing the workspace's preferences. */
class PreferencesDialogTest {

	@Test
	void eachBundlesPageEditsTheWorkspacePreferencesAndABadValueIsRefusedByName() throws Exception {
		Preferences preferences = Services.await(PreferencesDialogTest.class, Preferences.class);
		List<String> pages = new ArrayList<>();
		List<String> shownAfterBadValue = new ArrayList<>();
		boolean[] stayedOpen = { false };
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			Display display = Display.getCurrent();
			display.asyncExec(() -> {
				Displays.spinUntil(display, () -> dialog(display) != null);
				PreferenceDialog dialog = dialog(display);
				for (IPreferenceNode node : dialog.getPreferenceManager().getRootSubNodes()) {
					pages.add(node.getLabelText());
				}
				dialog.getTreeViewer().setSelection(new StructuredSelection(dialog.getPreferenceManager().find("Assistant")));
				Text keepAlive = fieldOf(dialog.getShell(), "Keep a model loaded for");
				keepAlive.setText("ten minutes");
				Displays.click(dialog.getShell().getDefaultButton());
				stayedOpen[0] = !dialog.getShell().isDisposed();
				shownAfterBadValue.addAll(RunningWorkbench.texts(dialog.getShell()));
				keepAlive.setText("10m");
				Displays.click(dialog.getShell().getDefaultButton());
			});
			RunningWorkbench.execute(window, "org.eclipse.ui.window.preferences", Map.of());
		});
		assertTrue(pages.containsAll(List.of("General", "Assistant", "Devices", "Power", "Workspace")), pages.toString());
		assertTrue(stayedOpen[0], "a bad value keeps the dialog open");
		assertTrue(shownAfterBadValue.stream().anyMatch(t -> t.startsWith("Keep a model loaded for: ")),
				"the problem names the setting: " + shownAfterBadValue);
		assertEquals("10m", preferences.get("llm.keepAlive", ""), "the good value is saved");
		assertFalse(preferences.get("llm.keepAlive", "").contains("ten"));
	}

	private static PreferenceDialog dialog(Display display) {
		for (Shell shell : display.getShells()) {
			if (shell.isVisible() && shell.getData() instanceof PreferenceDialog dialog) {
				return dialog;
			}
		}
		return null;
	}

	/** The text field that follows its label. */
	private static Text fieldOf(Composite parent, String label) {
		Control[] children = parent.getChildren();
		for (int i = 0; i < children.length; i++) {
			if (children[i] instanceof Label l && label.equals(l.getText()) && i + 1 < children.length && children[i + 1] instanceof Text text) {
				return text;
			}
			if (children[i] instanceof Composite inner) {
				Text found = fieldOf(inner, label);
				if (found != null) {
					return found;
				}
			}
		}
		return null;
	}
}
