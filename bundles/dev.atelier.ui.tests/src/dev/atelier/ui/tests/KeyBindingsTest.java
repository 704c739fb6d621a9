package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.eclipse.e4.ui.bindings.EBindingService;
import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.workbench.modeling.EPartService;
import org.eclipse.jface.bindings.Binding;
import org.eclipse.jface.bindings.keys.KeySequence;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.Test;

/**
 * The key bindings as the running workbench dispatches them with the Viewport active: Home resets its view and F frames
 * while its scene has the keyboard, not while one of its text fields does (there they type and move the caret); Ctrl+O
 * opens in both.
 */
class KeyBindingsTest {

	@Test
	void homeAndFActOnTheViewportsSceneNotInItsTextFieldsAndCtrlOOpensEverywhere() throws Exception {
		List<String> bound = new ArrayList<>();
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			MPart viewport = window.getContext().get(EPartService.class).showPart("dev.atelier.viewport.ui.part.viewport", EPartService.PartState.ACTIVATE);
			Composite view = (Composite) viewport.getWidget();
			Control scene = find(view, c -> c.getClass().getName().equals("org.eclipse.swt.opengl.GLCanvas")).orElseThrow();
			Control field = find(view, c -> c instanceof Text t && (t.getStyle() & SWT.READ_ONLY) == 0).orElseThrow();
			for (Control focused : List.of(scene, field)) {
				focused.forceFocus();
				Display display = focused.getDisplay();
				while (display.readAndDispatch()) {
					// the focus events activate or deactivate the scene's binding context
				}
				// as the key dispatcher asks: the bindings of the active part's context
				EBindingService bindings = viewport.getContext().get(EBindingService.class);
				for (String keys : List.of("HOME", "F", "M1+O")) {
					Binding binding = bindings.getPerfectMatch(KeySequence.getInstance(keys));
					bound.add((focused == scene ? "scene " : "field ") + keys + " " + (binding == null ? "unbound" : binding.getParameterizedCommand().getId()));
				}
			}
		});
		assertEquals(List.of("scene HOME dev.atelier.viewport.ui.command.resetView", "scene F dev.atelier.viewport.ui.command.frame",
				"scene M1+O dev.atelier.ui.command.open", "field HOME unbound", "field F unbound", "field M1+O dev.atelier.ui.command.open"), bound);
	}

	private static Optional<Control> find(Composite parent, Predicate<Control> wanted) {
		for (Control child : parent.getChildren()) {
			if (wanted.test(child)) {
				return Optional.of(child);
			}
			if (child instanceof Composite c) {
				Optional<Control> inside = find(c, wanted);
				if (inside.isPresent()) {
					return inside;
				}
			}
		}
		return Optional.empty();
	}
}
